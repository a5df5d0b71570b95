import { TraceImportError } from '../errors.ts';
import { parseTrace } from '../format.ts';
import { redactTrace, type TraceRedactOptions } from '../redaction.ts';
import type { Trace } from '../types.ts';
import { importOpenscLog } from './opensc.ts';
import { importPcscSpyLog } from './pcsc-spy.ts';
import { importScriptorLog } from './scriptor.ts';
import { importSpyRawLog } from './spy-raw.ts';

/**
 * Formats `importLog` reads:
 * - `schsm`: the schsm trace format; Ledger's RecordStore text (`=> e0…` / `<= …9000` lines) is a
 *   subset of it and reads the same way;
 * - `opensc`: OpenSC debug logs and opensc-tool / opensc-explorer APDU output;
 * - `pcsc-spy`: pcsc-lite's pcsc-spy output;
 * - `spy-raw`: what pcsc-lite's spy library writes before pcsc-spy formats it (the FIFO's content);
 * - `scriptor`: pcsc-tools' scriptor output.
 */
export type LogFormat = 'schsm' | 'opensc' | 'pcsc-spy' | 'spy-raw' | 'scriptor';

export const LOG_FORMATS: readonly LogFormat[] = ['schsm', 'opensc', 'pcsc-spy', 'spy-raw', 'scriptor'];

export interface ImportOptions extends TraceRedactOptions {
  /** Force a format instead of detecting it. */
  readonly format?: LogFormat;
  /** File name for metadata and error messages. */
  readonly file?: string;
}

/** Which format is this text in? undefined when none fits. */
export function detectLogFormat(text: string): LogFormat | undefined {
  const head = text.length > 2_000_000 ? text.slice(0, 2_000_000) : text;
  if (/^(?:Outgoing|Incoming) APDU/m.test(head) || (/^Sending: /m.test(head) && /^Received \(SW1=/m.test(head))) return 'opensc';
  if (/SCardTransmit/.test(head) && /p?bSendBuffer/.test(head)) return 'pcsc-spy';
  if (/^[0-9A-Fa-f]{1,16}@>\|\d+\|\d+\|SCard/m.test(head)) return 'spy-raw';
  if (/^> [0-9A-Fa-f]{2}/m.test(head) && /^< /m.test(head)) return 'scriptor';
  if (/^[ \t]*(?:=>|<=)/m.test(head) || /^[ \t]*#/.test(head)) return 'schsm';
  return undefined;
}

/** Import without redaction (the raw exchanges as the log shows them). */
export function importLogUnredacted(text: string, options: { format?: LogFormat; file?: string } = {}): Trace {
  const format = options.format ?? detectLogFormat(text);
  switch (format) {
    case 'opensc':
      return importOpenscLog(text, options.file);
    case 'pcsc-spy':
      return importPcscSpyLog(text, options.file);
    case 'spy-raw':
      return importSpyRawLog(text, options.file);
    case 'scriptor':
      return importScriptorLog(text, options.file);
    case 'schsm':
      return parseTrace(text, options.file === undefined ? {} : { file: options.file });
    case undefined:
      throw new TraceImportError(
        'not a log format schsm can import',
        undefined,
        options.file,
        `formats: ${LOG_FORMATS.join(', ')} (OpenSC debug log, pcsc-spy output, scriptor output, raw spy library log, schsm/Ledger "=> / <=" text)`,
      );
  }
}

/**
 * Import any supported log (format detected unless given) into a Trace. Secrets are masked exactly as
 * the recorder masks them (`redact: false` keeps them), and metadata `redacted` says what was hidden.
 */
export function importLog(text: string, options: ImportOptions = {}): Trace {
  const trace = importLogUnredacted(text, options);
  return redactTrace(trace, options);
}
