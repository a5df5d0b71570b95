/**
 * `schsm/apdu`: the low-level driver, for people who speak APDU. One function per card command
 * (`sign`, `wrapKey`, `unwrapKey`, `selectFile`, …, taking any CardSession), the codec (command and
 * response APDUs, BER-TLV, status words, OIDs), the channel (61xx, 6Cxx, chaining, the PIN guard,
 * the session lock), secure messaging, and the file formats and layouts of the card and its tools.
 * The operations most programs need are in `schsm` under one name each.
 *
 * @module schsm/apdu
 */
export * from './apdu/index.ts';
export * from './card/index.ts';
export { checkKeyRef, keyFid } from './card/key-ref.ts';
export { SessionLock, FifoLock } from './apdu/lock.ts';
