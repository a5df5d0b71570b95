// A test-only reading of BSI TR-03110 part 3 F.2/F.3 (AES secure messaging) and A.2.3 (KDF), written
// from the standard with node:crypto and the OpenSSL command line (CMAC), to check the driver's codec
// (src/apdu/sm) and the simulator's (src/sim/sm) against a third implementation — never against each other.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';

export interface Keys {
  readonly kEnc: Uint8Array;
  readonly kMac: Uint8Array;
}

export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
export const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const cat = (...p: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(p));

/** AES-CMAC by `openssl mac … CMAC` (OpenSSL 3 CLI), the full 16 bytes. */
export function opensslCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const out = execFileSync('openssl', ['mac', '-cipher', `AES-${key.length * 8}-CBC`, '-macopt', `hexkey:${hexOf(key)}`, 'CMAC'], {
    input: Buffer.from(message),
  });
  return bytes(out.toString().trim());
}

/** KDF(K, r, c) = SHA-1(K ‖ r ‖ c as 32-bit big-endian)[0..16] (TR-03110 A.2.3, AES-128). */
export function kdf(secret: Uint8Array, nonce: Uint8Array, counter: number): Uint8Array {
  const c = Buffer.alloc(4);
  c.writeUInt32BE(counter);
  return new Uint8Array(createHash('sha1').update(secret).update(nonce).update(c).digest().subarray(0, 16));
}

/** SSC n as a 16-byte big-endian block. */
export function ssc(n: number): Uint8Array {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(n, 12);
  return new Uint8Array(b);
}

/** ISO 9797-1 method 2: 80 then 00 to a multiple of 16 (always at least one byte). */
export function pad(b: Uint8Array): Uint8Array {
  const n = Math.floor(b.length / 16) * 16 + 16;
  const out = new Uint8Array(n);
  out.set(b);
  out[b.length] = 0x80;
  return out;
}

function iv(kEnc: Uint8Array, counter: number): Uint8Array {
  const c = createCipheriv('aes-128-ecb', kEnc, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(ssc(counter)), c.final()]));
}

export function encrypt(kEnc: Uint8Array, counter: number, plain: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-cbc', kEnc, iv(kEnc, counter)).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(pad(plain)), c.final()]));
}

export function decrypt(kEnc: Uint8Array, counter: number, cryptogram: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-128-cbc', kEnc, iv(kEnc, counter)).setAutoPadding(false);
  const p = new Uint8Array(Buffer.concat([d.update(cryptogram), d.final()]));
  return p.subarray(0, p.lastIndexOf(0x80));
}

const tlv = (tag: number, value: Uint8Array): Uint8Array =>
  value.length < 0x80 ? cat(Uint8Array.of(tag, value.length), value) : cat(Uint8Array.of(tag, 0x81, value.length), value);

/**
 * A protected command APDU, short form: `CLA|0C INS P1 P2 Lc [87 L 01‖E(data)] [97 01 Le] 8E 08 MAC 00`,
 * MAC = CMAC(K_mac, SSC ‖ pad(header) ‖ pad(DOs))[0..8] (no DO: SSC ‖ pad(header)).
 */
export function protectCommand(
  keys: Keys,
  counter: number,
  header: readonly [number, number, number, number],
  data?: Uint8Array,
  le?: number,
): Uint8Array {
  const [cla, ins, p1, p2] = header;
  const h = Uint8Array.of(cla | 0x0c, ins, p1, p2);
  const dos: Uint8Array[] = [];
  if (data !== undefined && data.length > 0) dos.push(tlv(0x87, cat(Uint8Array.of(1), encrypt(keys.kEnc, counter, data))));
  if (le !== undefined) dos.push(tlv(0x97, Uint8Array.of(le & 0xff)));
  const macInput = dos.length === 0 ? cat(ssc(counter), pad(h)) : cat(ssc(counter), pad(h), pad(cat(...dos)));
  const body = cat(...dos, tlv(0x8e, opensslCmac(keys.kMac, macInput).subarray(0, 8)));
  return cat(h, Uint8Array.of(body.length), body, Uint8Array.of(0));
}

/** A protected response: `[87 L 01‖E(data)] 99 02 SW 8E 08 MAC ‖ SW`, MAC over SSC ‖ pad(87 ‖ 99). */
export function protectResponse(keys: Keys, counter: number, data: Uint8Array, sw: number): Uint8Array {
  const dos: Uint8Array[] = [];
  if (data.length > 0) dos.push(tlv(0x87, cat(Uint8Array.of(1), encrypt(keys.kEnc, counter, data))));
  dos.push(tlv(0x99, Uint8Array.of(sw >> 8, sw & 0xff)));
  const mac = opensslCmac(keys.kMac, cat(ssc(counter), pad(cat(...dos)))).subarray(0, 8);
  return cat(...dos, tlv(0x8e, mac), Uint8Array.of(sw >> 8, sw & 0xff));
}

/** Check a protected response's MAC (returns false when wrong) and decrypt it. */
export function openResponse(keys: Keys, counter: number, response: Uint8Array): { ok: boolean; data: Uint8Array; sw: number } {
  const body = response.subarray(0, response.length - 2);
  let i = 0;
  const dos: Record<number, Uint8Array> = {};
  let covered: Uint8Array = new Uint8Array(0);
  while (i < body.length) {
    const tag = body[i] ?? 0;
    let len = body[i + 1] ?? 0;
    let head = 2;
    if (len === 0x81) {
      len = body[i + 2] ?? 0;
      head = 3;
    }
    const value = body.subarray(i + head, i + head + len);
    if (tag !== 0x8e) covered = cat(covered, body.subarray(i, i + head + len));
    dos[tag] = value;
    i += head + len;
  }
  const mac = dos[0x8e] ?? new Uint8Array(0);
  const ok = hexOf(opensslCmac(keys.kMac, cat(ssc(counter), pad(covered))).subarray(0, 8)) === hexOf(mac);
  const sw99 = dos[0x99] ?? new Uint8Array(2);
  const d87 = dos[0x87];
  return {
    ok,
    data: d87 === undefined ? new Uint8Array(0) : decrypt(keys.kEnc, counter, d87.subarray(1)),
    sw: ((sw99[0] ?? 0) << 8) | (sw99[1] ?? 0),
  };
}
