import type { KeyObject } from 'node:crypto';
import type { ParsedCommand } from '../apdu/command.ts';
import type { SimSmState } from './sm/secure-channel.ts';

/**
 * The simulator's data model, shared by every instruction handler (one file per INS in handlers/).
 * Persistent state (`SimState`) survives resets and is what `--state FILE` stores; the session
 * (`SimSession`) is volatile: a reset or a re-SELECT of the applet clears it (§2.3, §7).
 */

/** A key held by the card (key reference 1..255; key 0 is the device key). */
export interface KeyRecord {
  readonly kind: 'rsa' | 'ec' | 'aes';
  /** PKCS#8 DER private key for rsa/ec; the raw key bytes for aes. */
  readonly material: Uint8Array;
  /** RSA modulus bits; EC field size in bits (521 for P-521); AES key bits. */
  readonly bits: number;
  /** OpenSSL curve name for EC keys (prime256v1, secp384r1, secp521r1, brainpoolP256r1, …, secp256k1). */
  readonly curve?: string;
  /** Allowed algorithm ids (GAKP/GSK tag 91, §4); absent = every algorithm the key type supports. */
  readonly algorithms?: Uint8Array;
  /** Remaining uses (tag 90); absent = unlimited. Decremented by SIGN/DECIPHER/CIPHER. */
  useCounter?: number;
  /** Key domain (GAKP/GSK tag 92, or the domain whose KCV an unwrapped blob carried); absent = 0. */
  readonly domain?: number;
}

export interface PinRecord {
  value: Uint8Array;
  retries: number;
  readonly max: number;
}

export interface DkekState {
  /** Shares announced at INITIALIZE (tag 92). */
  readonly total: number;
  /** Shares still to import. */
  outstanding: number;
  /** XOR of the shares imported so far (32 bytes); final when outstanding = 0. */
  value: Uint8Array;
}

export interface SimState {
  /** Device serial (device CHR without its 5-digit sequence), e.g. "UTSM1234567". */
  readonly serial: string;
  /** PrK.DevAut, key 0. */
  readonly deviceKey: KeyRecord;
  /** Configuration options word of INITIALIZE tag 80 (§3.9). */
  options: number;
  initialized: boolean;
  /**
   * Transport-PIN state (option 0x0002, §3.9): the user PIN must be changed with CHANGE REFERENCE
   * DATA before VERIFY accepts it (VERIFY → 6984). Absent = false.
   */
  transportPin?: boolean;
  userPin: PinRecord | undefined;
  soPin: PinRecord | undefined;
  /** Key domain 0's DKEK; undefined = no DKEK (INITIALIZE without tag 92) or domain 0 not in use. */
  dkek: DkekState | undefined;
  /** Number of key domain slots (INITIALIZE tag 97); absent = 1 (domain 0 only, §3.10). */
  keyDomains?: number | undefined;
  /** DKEKs of key domains 1..keyDomains-1 in use (MANAGE KEY DOMAIN create); absent = none. */
  domains?: Map<number, DkekState> | undefined;
  /** Keys by reference 1..255. */
  readonly keys: Map<number, KeyRecord>;
  /** Elementary files by FID (2F02 device certificates, C4xx PRKD, CExx certificate/request, …). */
  readonly files: Map<number, Uint8Array>;
  /** Public key authentication (INITIALIZE tag 93, §3.20); absent = the device does not use PKA. */
  pka?: PkaState | undefined;
}

/** n-of-m public key authentication configured by INITIALIZE tag 93 (§3.20). */
export interface PkaState {
  /** Number of public keys to register (n, 1..90). */
  readonly total: number;
  /** Number of registered keys that must authenticate (m, 1..n). */
  readonly required: number;
  /** Registered keys in registration order: the content of each authenticated request (67). */
  readonly keys: Uint8Array[];
}

/** Volatile PKA state of one session (cleared by SELECT of the applet and by reset). */
export interface PkaSession {
  /** Public keys the card learnt in this session with PSO VERIFY CERTIFICATE, by CHR. */
  readonly trusted: Map<string, TrustedKey>;
  /** CHR selected with MSE SET DST (B6): the key that verifies the next certificate or request. */
  verifyKey: string | undefined;
  /** Index of the registered key selected with MSE SET AT (A4) for EXTERNAL AUTHENTICATE. */
  authKey: number | undefined;
  /** The last GET CHALLENGE answer, used once by EXTERNAL AUTHENTICATE. */
  challenge: Uint8Array | undefined;
  /** Indexes of registered keys that authenticated in this session. */
  readonly authenticated: Set<number>;
}

/** A verification key: a trust anchor or a certificate the card verified (§3.20, §10). */
export interface TrustedKey {
  readonly chr: string;
  readonly key: KeyObject;
  /** TA signature scheme OID (06 in 7F49) the key signs with. */
  readonly oid: Uint8Array;
  /** EC curve name, inherited by certificates that carry no domain parameters. */
  readonly curve: string | undefined;
}

export interface SimSession {
  appletSelected: boolean;
  userAuthenticated: boolean;
  /** SO-PIN verified in this session (VERIFY 88), for RESET RETRY COUNTER P1 02/03. */
  soAuthenticated: boolean;
  /** FID of the current EF (after SELECT by FID), used when P1P2 = 0000. */
  currentEf: number | undefined;
  /** Response bytes still to be fetched with GET RESPONSE (61xx). */
  pendingResponse: Uint8Array | undefined;
  /** Command chaining buffer (CLA bit 0x10). */
  chain: { readonly header: number; data: Uint8Array } | undefined;
  /** MSE SET AT for chip authentication done, GENERAL AUTHENTICATE may follow (§3.21). */
  caSelected?: boolean | undefined;
  /** The secure channel's keys and counter; absent = plain. Any plain command ends it (§3.21). */
  sm?: SimSmState | undefined;
  /** The generated session PIN (GENERATE SESSION PIN); cleared on reset, kept by a re-SELECT. */
  sessionPin?: Uint8Array | undefined;
  /** Public key authentication state of this session (§3.20); created on first use. */
  pka?: PkaSession | undefined;
}

export interface SimContext {
  readonly state: SimState;
  readonly session: SimSession;
  /** Card random bytes. */
  random(n: number): Uint8Array;
}

/** What a handler answers: response data (possibly empty) and the status word. */
export interface SimReply {
  readonly data?: Uint8Array;
  readonly sw: number;
}

/** One instruction handler. It may throw `CardStatus` to answer with a status word. */
export type InsHandler = (cmd: ParsedCommand, ctx: SimContext) => SimReply | Promise<SimReply>;
