/**
 * Does `text` show `secret`? A short secret made only of hex digits (a 6-digit PIN) is looked for as a
 * whole word: inside the long random hex of key IDs, KCVs and fingerprints, any six digits turn up by
 * chance about once in 16^6 windows, which would fail a correct run now and then. A PIN that leaks is
 * printed as a word of its own ("PIN 648219"); leaks inside hex dumps are checked with the hex form
 * of the secret, which is long.
 */
export function showsSecret(text: string, secret: string): boolean {
  if (secret.length >= 12 || !/^[0-9A-Fa-f]+$/.test(secret)) return text.includes(secret);
  return new RegExp(`(?<![0-9A-Fa-f])${secret}(?![0-9A-Fa-f])`).test(text);
}

/** One way a secret could be written somewhere, and how it reads there. */
export interface SecretEncoding {
  readonly encoding: string;
  readonly text: string;
}

const hexOf = (b: Uint8Array, sep: string, upper: boolean): string => {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(sep);
  return upper ? h.toUpperCase() : h;
};

/**
 * Every form in which `bytes` (a secret as it goes on the wire or into a file) could show up in text:
 * ASCII (when printable), hex upper and lower case compact / spaced / with colons, base64 at each of
 * the three alignments it can have inside a longer buffer (the characters that depend on neighbouring
 * bytes left out), and decimal bytes with the usual separators. Use distinctive secrets of 8 bytes or
 * more, so that none of these forms turns up by chance.
 */
export function secretEncodings(bytes: Uint8Array): SecretEncoding[] {
  const out: SecretEncoding[] = [];
  const ascii = Buffer.from(bytes).toString('latin1');
  if (/^[\x20-\x7e]+$/.test(ascii)) out.push({ encoding: 'ASCII', text: ascii });
  for (const upper of [true, false]) {
    const c = upper ? 'upper' : 'lower';
    out.push({ encoding: `hex ${c}`, text: hexOf(bytes, '', upper) });
    out.push({ encoding: `spaced hex ${c}`, text: hexOf(bytes, ' ', upper) });
    out.push({ encoding: `colon hex ${c}`, text: hexOf(bytes, ':', upper) });
  }
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), Buffer.from(bytes)]).toString('base64');
    const end = Math.floor((k + bytes.length) / 3) * 4;
    const text = b64.slice(k === 0 ? 0 : 4, end);
    if (text.length >= 8) out.push({ encoding: `base64 (offset ${k})`, text });
  }
  for (const sep of [',', ', ', ' ']) out.push({ encoding: `decimal "${sep}"`, text: Array.from(bytes).join(sep) });
  return out;
}

/** The encodings of `forms` that occur in `text`. */
export function encodingsIn(text: string, forms: readonly SecretEncoding[]): string[] {
  return forms.filter((f) => text.includes(f.text)).map((f) => f.encoding);
}

/**
 * The hex and decimal forms of every run of `n` consecutive bytes of the secret (6 by default: 12 hex
 * digits, which random hex matches by chance once in 16^12 places): a leak of PART of a secret, e.g. a
 * PIN whose first bytes were masked and the rest not. ASCII is left out (a six-letter piece of a
 * password may be an ordinary word).
 */
export function partialEncodings(bytes: Uint8Array, n = 6): SecretEncoding[] {
  const out: SecretEncoding[] = [];
  for (let i = 0; i + n <= bytes.length && n < bytes.length; i++) {
    const part = bytes.subarray(i, i + n);
    for (const f of secretEncodings(part))
      if (f.encoding.includes('hex') || f.encoding.startsWith('decimal'))
        out.push({ encoding: `${f.encoding} of bytes ${i}..${i + n - 1}`, text: f.text });
  }
  return out;
}
