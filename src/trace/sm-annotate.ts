/**
 * The plain APDUs inside a secure channel, written down the way the transport writes the protected
 * ones: in the trace as `#` comments around each protected exchange, and in the `schsm:sm` debug log.
 * The transport below only ever sees the protected bytes; these lines show what they carried, with the
 * same masking keyed by instruction (transport/redact.ts), so a VERIFY inside SM shows `..` for every
 * PIN byte in the trace and the log, exactly as a plain VERIFY does.
 */
import { createDebug } from '../transport/debug-log.ts';
import { toHex } from '../apdu/hex.ts';
import type { PlainObserver } from '../apdu/sm/layer.ts';
import { commandSecrets, redactedHex, responseSecrets } from '../transport/redact.ts';
import type { Transport } from '../transport/transport.ts';

const log = createDebug('schsm:sm');

export interface PlainAnnotationOptions {
  /** Mask secrets (default true); false only when the user turned redaction off explicitly. */
  readonly redact?: boolean;
  /** Also mask UNWRAP KEY blobs (the recorder's --redact-unwrap). */
  readonly unwrap?: boolean;
}

/** `SM plain => 00 20 00 81 06 .. .. .. .. .. .. (redacted: PIN (VERIFY))` */
export function formatPlainCommand(plain: Uint8Array, options: PlainAnnotationOptions = {}): string {
  if (options.redact === false) return `SM plain => ${toHex(plain, ' ')}`;
  const secrets = commandSecrets(plain, { unwrap: options.unwrap === true });
  const note = secrets.length === 0 ? '' : ` (redacted: ${[...new Set(secrets.map((s) => s.what))].join(', ')})`;
  return `SM plain => ${redactedHex(plain, secrets, ' ')}${note}`;
}

/** `SM plain <= .. .. .. .. .. .. .. .. 90 00 (redacted: session PIN (GENERATE SESSION PIN))` */
export function formatPlainResponse(plainCommand: Uint8Array, plainResponse: Uint8Array, options: PlainAnnotationOptions = {}): string {
  if (options.redact === false) return `SM plain <= ${toHex(plainResponse, ' ')}`;
  const secrets = responseSecrets(plainCommand, plainResponse);
  const note = secrets.length === 0 ? '' : ` (redacted: ${[...new Set(secrets.map((s) => s.what))].join(', ')})`;
  return `SM plain <= ${redactedHex(plainResponse, secrets, ' ')}${note}`;
}

function commentSink(transport: Transport): ((text: string) => void) | undefined {
  const t = transport as Transport & { comment?: unknown };
  return typeof t.comment === 'function' ? (text) => (t.comment as (s: string) => void).call(t, text) : undefined;
}

/**
 * The observer to pass to `SmartCardHsm.openSecureChannel`: comments in the trace when `transport`
 * records one (trace/record.ts), and `schsm:sm` debug lines. Both masked unless `redact: false`.
 */
export function plainAnnotations(transport: Transport, options: PlainAnnotationOptions = {}): PlainObserver {
  const comment = commentSink(transport);
  const emit = (line: string): void => {
    comment?.(line);
    log('%s', line);
  };
  return {
    command: (plain) => {
      if (comment !== undefined || log.enabled) emit(formatPlainCommand(plain, options));
    },
    response: (plainCommand, plainResponse) => {
      if (comment !== undefined || log.enabled) emit(formatPlainResponse(plainCommand, plainResponse, options));
    },
  };
}
