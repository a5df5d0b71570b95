// Issue 13 item 3: mechanisms, key types and curves are literal union types, so a typo in a literal
// fails at compile time. Type-checked by `npm run typecheck` (part of `npm test`): each
// `@ts-expect-error` below fails the type check if the line after it compiles, i.e. if a typo slipped
// through; the lines without it must compile. Never run.
import {
  generateKey,
  parseKeyType,
  parseMechanism,
  signMessage,
  type CurveName,
  type KeyInfo,
  type KeyTypeName,
  type MechanismName,
  type SmartCardHsm,
} from '../../src/index.ts';

export async function literalUnions(card: SmartCardHsm, userText: string): Promise<void> {
  const data = new Uint8Array(32);
  parseMechanism('ECDSA-SHA256');
  parseMechanism('sha256-rsa-pkcs'); // the parser reads names in any case
  parseMechanism(userText); // text from a user: checked at run time
  // @ts-expect-error typo: SHA265
  parseMechanism('ECDSA-SHA265');
  // @ts-expect-error no such mechanism
  parseMechanism('EDDSA');

  await signMessage(card, 1, 'ECDSA-SHA256', data);
  await signMessage(card, 1, parseMechanism(userText), data);
  // @ts-expect-error typo in a mechanism passed by name
  await signMessage(card, 1, 'ECDSA-SHA2566', data);

  await generateKey(card, { type: 'ec:prime256v1' });
  await generateKey(card, { type: 'ec:P-256' });
  await generateKey(card, { type: 'rsa:2048' });
  await generateKey(card, { type: 'aes:256' });
  await generateKey(card, { type: { kind: 'ec', curve: 'brainpoolP256r1' } });
  await generateKey(card, { type: parseKeyType(userText) });
  // @ts-expect-error typo: prime256v2
  await generateKey(card, { type: 'ec:prime256v2' });
  // @ts-expect-error RSA sizes go in steps of 256
  await generateKey(card, { type: 'rsa:2000' });
  // @ts-expect-error no such AES size
  await generateKey(card, { type: 'aes:512' });
  // @ts-expect-error user text must be parsed first (parseKeyType checks it)
  await generateKey(card, { type: userText });
  // @ts-expect-error typo in a curve of a spec
  await generateKey(card, { type: { kind: 'ec', curve: 'secp256r2' } });
  parseKeyType('EC:P-384');
  // @ts-expect-error no such curve
  parseKeyType('ec:P-192');

  const keyInfo = undefined as unknown as KeyInfo;
  const curve: CurveName | undefined = keyInfo.curve;
  // @ts-expect-error KeyInfo.curve is a CurveName, never an arbitrary string
  const wrong: 'P-256' = keyInfo.curve;
  const name: MechanismName = parseMechanism('RSA-PSS-SHA256').name;
  const typeName: KeyTypeName = 'ec:secp521r1';
  void [curve, wrong, name, typeName];
}
