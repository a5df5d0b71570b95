/**
 * The one table of instructions whose bytes are secret, keyed by INS. Everything that shows an APDU
 * (the `schsm:transport` log, traces, the explorer, `schsm apdu`/`run` output and `--json`, error
 * messages, the explorer history) asks redact.ts, and redact.ts asks only this table. A command added
 * later (public key authentication, secure messaging, key import…) that carries or returns a secret
 * needs one entry here and nothing else.
 *
 * Kept at the transport level (node built-ins only, bare INS numbers) because the transport's own log
 * must redact without importing the codec above it; test/transport/redact-ins.test.ts holds the
 * numbers equal to apdu/ins.ts.
 */

/** Words for what a data field holds, or undefined when it is not secret; may depend on P1/P2. */
export type SecretWhat = string | ((p1: number, p2: number) => string | undefined);

export interface SecretInstruction {
  /** For the `redacted:` header of traces: what this entry hides. */
  readonly summary: string;
  /** The command data field is secret: ALL of it, whatever its length bytes say. */
  readonly command?: SecretWhat;
  /** The response data is secret (decrypted data, shared secrets, derived keys, card random). */
  readonly response?: SecretWhat;
  /** Only when asked for (`redactUnwrap`): wrapped key blobs are encrypted under the DKEK. */
  readonly optIn?: 'unwrap';
}

/** CIPHER SYMMETRIC (§3.15) algorithms whose output is secret; 10 (encrypt) and 18 (CMAC) are not. */
const CIPHER_SYMMETRIC_OUTPUT: Readonly<Record<number, string>> = {
  0x11: 'plaintext (CIPHER SYMMETRIC, AES-CBC decrypt)',
  0x99: 'derived key (CIPHER SYMMETRIC, key derivation)',
  0x51: 'output (CIPHER SYMMETRIC, pico extended cipher: may be a derived key)',
  0x52: 'plaintext (CIPHER SYMMETRIC, pico extended decrypt)',
};

/** CIPHER SYMMETRIC algorithms whose input is a plaintext (it is as secret as a decrypt's output). */
const CIPHER_SYMMETRIC_INPUT: Readonly<Record<number, string>> = {
  0x10: 'plaintext (CIPHER SYMMETRIC, AES-CBC encrypt)',
  0x51: 'input (CIPHER SYMMETRIC, pico extended cipher: may be a plaintext or a key)',
};

/** DECIPHER (§3.14): ECDH algorithms (80; pico 83, 84) answer a shared secret, the others a plaintext. */
const ECDH_ALGORITHMS = new Set([0x80, 0x83, 0x84]);

export const SECRET_INSTRUCTIONS: Readonly<Record<number, SecretInstruction>> = {
  0x20: { summary: 'PINs (VERIFY)', command: 'PIN (VERIFY)' },
  0x24: { summary: 'old and new PINs (CHANGE REFERENCE DATA)', command: 'old and new PIN (CHANGE REFERENCE DATA)' },
  0x2c: { summary: 'SO-PIN and new PIN (RESET RETRY COUNTER)', command: 'SO-PIN and new PIN (RESET RETRY COUNTER)' },
  0x50: { summary: 'INITIALIZE DEVICE data (user PIN, SO-PIN)', command: 'user PIN and SO-PIN (INITIALIZE DEVICE data)' },
  // MANAGE KEY DOMAIN P1 01 (create a DKEK domain) carries only the share count; every other form is kept secret
  0x52: { summary: 'DKEK shares (IMPORT DKEK SHARE)', command: (p1) => (p1 === 0x01 ? undefined : 'DKEK share (IMPORT DKEK SHARE)') },
  0x5a: { summary: 'session PINs (GENERATE SESSION PIN responses)', response: 'session PIN (GENERATE SESSION PIN)' },
  0x62: {
    summary: 'decrypted data and ECDH shared secrets (DECIPHER responses)',
    response: (_p1, p2) => (ECDH_ALGORITHMS.has(p2) ? 'ECDH shared secret (DECIPHER)' : 'plaintext (DECIPHER)'),
  },
  0x78: {
    summary: 'plaintext and derived data (CIPHER SYMMETRIC: encrypt input, decrypt/derive output)',
    command: (_p1, p2) => CIPHER_SYMMETRIC_INPUT[p2],
    response: (_p1, p2) => CIPHER_SYMMETRIC_OUTPUT[p2],
  },
  0x84: { summary: 'card random (GET CHALLENGE responses)', response: 'card random (GET CHALLENGE)' },
  0x74: { summary: 'wrapped key blobs (UNWRAP KEY)', command: 'wrapped key blob (UNWRAP KEY)', optIn: 'unwrap' },
  0xd7: {
    summary: 'wrapped key blobs staged in EF 2F10 (UPDATE BINARY)',
    command: (p1, p2) => (p1 === 0x2f && p2 === 0x10 ? 'wrapped key blob (UPDATE BINARY EF 2F10)' : undefined),
    optIn: 'unwrap',
  },
};

/** GET RESPONSE: its answer continues the previous response (61xx), secret when that one was. */
export const GET_RESPONSE_INS = 0xc0;

/** The words for one side of an exchange, or undefined. */
export function secretWhat(what: SecretWhat | undefined, p1: number, p2: number): string | undefined {
  return typeof what === 'function' ? what(p1, p2) : what;
}
