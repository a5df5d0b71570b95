/**
 * `schsm/trace`: APDU traces: the format, the recorder (to a file or in memory), the strict replayer,
 * importers of other tools' logs, the annotator and diff.
 *
 * @module schsm/trace
 */
export * from './errors.ts';
export * from './pattern.ts';
export * from './types.ts';
export * from './format.ts';
export * from './redaction.ts';
export * from './record.ts';
export * from './replay.ts';
export * from './load.ts';
export * from './import/index.ts';
export { importOpenscLog } from './import/opensc.ts';
export { importPcscSpyLog } from './import/pcsc-spy.ts';
export { importScriptorLog } from './import/scriptor.ts';
export {
  ALGORITHMS,
  describeCla,
  describeFid,
  FID_PREFIXES,
  INS_NAMES,
  KNOWN_AIDS,
  KNOWN_FIDS,
  PIN_REFERENCES,
  type ClaInfo,
} from './ins-names.ts';
export * from './params.ts';
export * from './decode-data.ts';
export * from './annotate.ts';
export * from './annotate-json.ts';
export * from './render.ts';
export * from './diff.ts';
export * from './stream.ts';
