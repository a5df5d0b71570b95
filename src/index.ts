/**
 * schsm as a library: `import { SmartCardHsm, openPcscTransport, createSimulatorTransport } from 'schsm'`.
 *
 * The layers are re-exported flat where names are unique (transport, apdu, card) and as namespaces
 * where they would collide (`sim.*`, `trace.*`); the most used entry points of those two are also
 * exported by name. The CLI and the explorer are applications, not API.
 */
export * from './transport/index.ts';
export { listReaders, openPcscTransport } from './transport/pcsc.ts';
export { withTrafficLog } from './transport/log.ts';
export { observeTransport } from './transport/observe.ts';
export * from './apdu/index.ts';
export * from './card/index.ts';
export * as sim from './sim/index.ts';
export * as trace from './trace/index.ts';
export { createSimulatorTransport, SmartCardHsmSimulator, SimStateError } from './sim/index.ts';
export { serveVpcd } from './sim/vpcd.ts';
export {
  createReplayTransport,
  recordTransport,
  parseTrace,
  importLog,
  TraceMismatchError,
  type ReplayTransport,
  type RecordingTransport,
} from './trace/index.ts';
