import { createChannel, type Channel } from '../../../apdu/channel.ts';
import { describeStatusWord, formatSw, retriesLeft } from '../../../apdu/status-words.ts';
import { appletVersionTag, parseAppletVersionTag } from '../../../card/commands/select-applet.ts';
import { SC_HSM_AID } from '../../../card/constants.ts';
import type { Transport } from '../../../transport/transport.ts';
import { SchsmError } from '../../../transport/errors.ts';
import { finding, type Finding } from './findings.ts';

/** Tag 85 of the applet FCP: [options(2)] [type] [major] [minor]; versions < 2.0: [major] [minor] (§2.4). */
export function describeVersionTag(v: Uint8Array): string {
  const a = parseAppletVersionTag(v);
  return `${a.typeName} version ${a.version.major}.${a.version.minor}`;
}

/** Tag 85 in the SELECT answer (inside an FCP 62 / FCI 6F template, or at top level; ≥ 2 bytes). */
export const versionTag = appletVersionTag;

/** SELECT the SmartCard-HSM applet exactly as OpenSC does: `00 A4 04 00 0B <AID> 00` (§2.3). */
async function selectApplet(ch: Channel, reader: string, out: Finding[]): Promise<boolean> {
  const res = await ch.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: SC_HSM_AID, ne: 256, form: 'short' });
  if (res.sw !== 0x9000) {
    const d = describeStatusWord(res.sw);
    out.push(
      finding(
        'SmartCard-HSM applet',
        'warn',
        `SELECT E82B0601040181C31F0201 answered ${formatSw(res.sw)} (${d.name}): not a SmartCard-HSM`,
        'schsm commands other than apdu/run/readers need a SmartCard-HSM or Nitrokey HSM',
        reader,
      ),
    );
    return false;
  }
  const tag = versionTag(res.data);
  if (tag === undefined) {
    out.push(
      finding(
        'SmartCard-HSM applet',
        'warn',
        'applet selected, but its FCP has no version tag 85 (OpenSC will not bind to it, §2.1)',
        undefined,
        reader,
      ),
    );
  } else {
    out.push(finding('SmartCard-HSM applet', 'ok', describeVersionTag(tag), undefined, reader));
  }
  return true;
}

/** HID Omnikey readers (CardMan driver), recognised by the name pcscd or Windows gives them. */
export function isOmnikey(reader: string): boolean {
  return /omnikey|cardman/i.test(reader);
}

/** What to do when extended-length APDUs do not pass (SmartCard-HSM documentation: reader notes). */
export function extendedLengthAdvice(reader: string): string {
  const chaining =
    'or run schsm with --short-only: it then splits long commands with command chaining and reads long answers with GET RESPONSE (slower; OpenSC needs extended length for RSA-2048 and large writes)';
  if (!isOmnikey(reader))
    return `this reader (or its driver) does not pass extended-length APDUs, which RSA-2048 operations and large writes need: try another reader, ${chaining}`;
  return [
    'HID Omnikey readers pass extended-length APDUs only in TPDU T=1 mode: set TPDU_T1Mode=1 in /etc/omnikey.ini',
    '(Linux; on Windows the TPDU_T1Mode value of the CardMan driver registry key) and restart pcscd. That setting',
    `breaks PIN-pad verification on the Omnikey 3821; ${chaining}`,
  ].join(' ');
}

/** GET CHALLENGE with Ne 512 in extended form (`00 84 00 00 00 02 00`): reader + card pass extended APDUs? */
async function probeExtended(ch: Channel, reader: string, out: Finding[]): Promise<void> {
  if (isOmnikey(reader))
    out.push(finding('reader', 'info', 'HID Omnikey reader: extended-length APDUs need TPDU_T1Mode=1 in its driver', undefined, reader));
  try {
    const res = await ch.send({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, ne: 512, form: 'extended' });
    if (res.sw === 0x9000 && res.data.length === 512)
      out.push(finding('extended length', 'ok', 'a 512-byte response to an extended Le came back whole', undefined, reader));
    else
      out.push(
        finding(
          'extended length',
          isOmnikey(reader) ? 'fail' : 'warn',
          `GET CHALLENGE with extended Le 0200 answered ${formatSw(res.sw)} with ${res.data.length} bytes`,
          extendedLengthAdvice(reader),
          reader,
        ),
      );
  } catch (error) {
    if (!(error instanceof SchsmError)) throw error;
    out.push(finding('extended length', 'fail', `an extended APDU failed: ${error.message}`, extendedLengthAdvice(reader), reader));
  }
}

/** VERIFY without data `00 20 00 81`: the PIN state, no try consumed (§3.6, §7). */
async function pinState(ch: Channel, reader: string, out: Finding[]): Promise<void> {
  const res = await ch.send({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x81 });
  const tries = retriesLeft(res.sw);
  const add = (v: Finding['verdict'], d: string, h?: string): void => void out.push(finding('user PIN', v, d, h, reader));
  if (res.sw === 0x9000) add('ok', 'verified in this session');
  else if (tries !== undefined && tries > 1) add('ok', `set, not verified, ${tries} tries left`);
  else if (tries !== undefined)
    add(
      'warn',
      `set, not verified, only ${tries} try left`,
      'one more wrong PIN blocks it; schsm refuses a PIN attempt now unless --allow-last-try',
    );
  else if (res.sw === 0x6983) add('fail', 'blocked (6983)', 'unblock it with the SO-PIN: schsm pin unblock');
  else if (res.sw === 0x6984)
    add('warn', 'transport PIN active (6984): it must be changed before use', 'schsm pin change --allow-last-try');
  else if (res.sw === 0x6a88) add('warn', 'device not initialised (6A88: no PIN set)', 'schsm init');
  else
    add(
      'warn',
      `status query answered ${formatSw(res.sw)} (${describeStatusWord(res.sw).name}); public key authentication may be active (§3.6)`,
    );
}

/** Connect, protocol, SmartCard-HSM applet and version, extended length, PIN state. */
export async function cardChecks(transport: Transport, reader: string): Promise<Finding[]> {
  const out: Finding[] = [
    finding('connection', 'ok', `connected${transport.protocol === undefined ? '' : ` (${transport.protocol})`}`, undefined, reader),
  ];
  const ch = createChannel(transport);
  const isHsm = await selectApplet(ch, reader, out);
  await probeExtended(ch, reader, out);
  if (isHsm) await pinState(ch, reader, out);
  return out;
}
