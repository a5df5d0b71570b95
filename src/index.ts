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
export { createSimulatorTransport, SmartCardHsmSimulator } from './sim/index.ts';
export { serveVpcd } from './sim/vpcd.ts';
export { createReplayTransport, recordTransport, parseTrace, importLog } from './trace/index.ts';
// Issue 13 items 6-8: one transport factory for every source, reader/card events, in-memory
// recording, a simulated reader with removal and insertion, signers for keys on the card.
export { openTransport, parseTransportSource, type OpenTransportOptions, type TransportSource, type TransportSpec } from './open/index.ts';
export { SimulatedReader, type SimulatedReaderOptions } from './sim/simulated-reader.ts';
export { recordInMemory, type MemoryRecordingTransport, type MemoryRecordOptions } from './trace/record.ts';
export { createSigner, type CardSigner, type DsaEncoding, type JwsAlgorithm, type SignerOptions } from './card/signer.ts';
