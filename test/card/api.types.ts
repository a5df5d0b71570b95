// Type tests of the card layer's public API (checked by `tsc --noEmit`, never executed): the shapes the
// CLI and the explorer build on. A change that breaks one of these lines breaks the type-check.
import type { KeyObject } from 'node:crypto';
import type { Transport } from '../../src/transport/transport.ts';
import type { CommandApdu } from '../../src/apdu/command.ts';
import type { ResponseApdu } from '../../src/apdu/response.ts';
import {
  SmartCardHsm,
  verifyPin,
  type pinStatus,
  initializeDevice,
  generateKey,
  type listKeys,
  type sign,
  type signEcdsa,
  type decipher,
  type ecdh,
  type wrapKey,
  type unwrapKey,
  type importDkekShare,
  type queryDkekStatus,
  type enumerateObjects,
  type readFile,
  type updateBinary,
  type deleteKey,
  type errorFromStatus,
  type PinIncorrectError,
  type CardError,
  type KeyNotFoundError,
  type parsePrkd,
  type encodePrkd,
  parseAuthenticatedRequest,
  type verifyDeviceChain,
  type AppletInfo,
  type CardStatus,
  type PinStatus,
  type DkekStatus,
  type KeyInfo,
  type GeneratedKey,
  type CardSession,
  type SignMechanism,
  type PrivateKeyDescription,
  type DeviceChainVerification,
  type PinState,
} from '../../src/card/index.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

declare const transport: Transport;
declare const card: SmartCardHsm;
declare const bytes: Uint8Array;

expectType<Equal<ReturnType<typeof SmartCardHsm.open>, Promise<SmartCardHsm>>>();
expectType<
  Equal<
    Parameters<typeof SmartCardHsm.open>[1],
    | {
        readonly shortOnly?: boolean;
        readonly maxCommandData?: number;
        readonly maxResponseData?: number;
        readonly allowLastTry?: boolean;
        readonly confirmErase?: boolean;
      }
    | undefined
  >
>();
expectType<Equal<typeof card.applet, AppletInfo>>();
expectType<Equal<AppletInfo['version'], { readonly major: number; readonly minor: number }>>();
expectType<Equal<ReturnType<typeof card.status>, Promise<CardStatus>>>();
expectType<Equal<ReturnType<typeof card.send>, Promise<ResponseApdu>>>();
expectType<Equal<Parameters<typeof card.send>[0], CommandApdu>>();
expectType<Equal<ReturnType<typeof card.logout>, Promise<void>>>();

// A SmartCardHsm is a CardSession; every command takes the session first.
const session: CardSession = card;
expectType<Equal<ReturnType<typeof pinStatus>, Promise<PinStatus>>>();
expectType<Equal<PinState, 'verified' | 'not-verified' | 'blocked' | 'transport-pin' | 'not-initialized'>>();
expectType<Equal<ReturnType<typeof verifyPin>, Promise<void>>>();
expectType<Equal<ReturnType<typeof importDkekShare>, Promise<DkekStatus>>>();
expectType<Equal<ReturnType<typeof queryDkekStatus>, Promise<DkekStatus>>>();
expectType<Equal<ReturnType<typeof enumerateObjects>, Promise<number[]>>>();
expectType<Equal<ReturnType<typeof readFile>, Promise<Uint8Array>>>();
expectType<Equal<ReturnType<typeof updateBinary>, Promise<void>>>();
expectType<Equal<ReturnType<typeof wrapKey>, Promise<Uint8Array>>>();
expectType<Equal<ReturnType<typeof unwrapKey>, Promise<void>>>();
expectType<Equal<ReturnType<typeof sign>, Promise<Uint8Array>>>();
expectType<Equal<ReturnType<typeof signEcdsa>, Promise<{ der: Uint8Array; raw: Uint8Array }>>>();
expectType<Equal<ReturnType<typeof decipher>, Promise<Uint8Array>>>();
expectType<Equal<ReturnType<typeof ecdh>, Promise<Uint8Array>>>();
expectType<Equal<ReturnType<typeof listKeys>, Promise<KeyInfo[]>>>();
expectType<Equal<ReturnType<typeof generateKey>, Promise<GeneratedKey>>>();
expectType<Equal<ReturnType<typeof deleteKey>, Promise<number[]>>>();
expectType<Equal<KeyInfo['publicKey'], KeyObject | undefined>>();
expectType<Equal<GeneratedKey['kind'], 'rsa' | 'ec' | 'aes'>>();
expectType<Equal<ReturnType<typeof parsePrkd>, PrivateKeyDescription>>();
expectType<Equal<ReturnType<typeof encodePrkd>, Uint8Array>>();
expectType<Equal<ReturnType<typeof verifyDeviceChain>, DeviceChainVerification>>();
expectType<Equal<ReturnType<typeof errorFromStatus>, CardError>>();
expectType<Equal<PinIncorrectError['retriesLeft'], number>>();
expectType<Equal<KeyNotFoundError['ref'], number | undefined>>();
expectType<Equal<CardError['sw'], number>>();

const mechanisms: SignMechanism[] = [
  { kind: 'rsa-raw' },
  { kind: 'rsa-pkcs1', hash: 'sha256' },
  { kind: 'rsa-pss' },
  { kind: 'ecdsa', hash: 'sha512' },
];
// @ts-expect-error rsa-raw takes no hash
const badMechanism: SignMechanism = { kind: 'rsa-raw', hash: 'sha256' };
// @ts-expect-error INITIALIZE needs the explicit confirmation flag
void initializeDevice(session, { soPin: '3537363231383830', userPin: '648219' });
// @ts-expect-error a PIN reference is 0x81 or 0x88
void verifyPin(session, { ref: 0x85, pin: '648219' });
void generateKey(session, { type: 'ec:prime256v1', label: 'x' });
void generateKey(session, { type: { kind: 'aes', bits: 256 } });
// @ts-expect-error AES sizes are 128/192/256
void generateKey(session, { type: { kind: 'aes', bits: 512 } });
void parseAuthenticatedRequest(bytes);
void SmartCardHsm.open(transport, { shortOnly: true });
void mechanisms;
void badMechanism;
