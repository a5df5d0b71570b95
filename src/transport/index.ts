/**
 * `schsm/transport`: the byte seam (`Transport`), PC/SC (local and through a pcscd socket), card events, the traffic log and redaction.
 *
 * @module schsm/transport
 */
export * from './transport.ts';
export * from './errors.ts';
export * from './redact.ts';
export {
  AmbiguousCardError,
  listReaders,
  openPcscTransport,
  selectReader,
  type PcscChoice,
  type PcscReaderInfo,
  type ListReadersOptions,
  type OpenPcscOptions,
} from './pcsc.ts';
export type { PcscConnectOptions } from './pcsc-connection.ts';
export { PcscError, PcscUnavailableError, PCSC_CODE, pcscCodeName, type PcscCodeName } from './pcsc-errors.ts';
export { withTrafficLog } from './log.ts';
export { observeTransport, type ExchangeObserver } from './observe.ts';
export * from './bounded-read.ts';
export * from './command-size.ts';
export {
  listPcscSocketReaders,
  openPcscSocketTransport,
  PcscSocketWorker,
  RemotePcscError,
  type OpenPcscSocketOptions,
} from './pcsc-socket.ts';
export type { WorkerReaderInfo as PcscSocketReaderInfo } from './pcsc-worker-protocol.ts';
export * from './card-events.ts';
export { watchCards, type WatchCardsOptions } from './pcsc-events.ts';
