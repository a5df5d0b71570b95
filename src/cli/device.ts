/**
 * Which device a command acts on (README, "Safety rules schsm keeps": never guess the device for
 * anything destructive or secret-consuming). Commands that can erase a device or spend a PIN try open their card with
 * `requireUniqueCard`: with several cards present and no --reader they refuse (exit 4), listing each
 * candidate's reader, serial and label. When they run, they name the device on stderr (reader, serial,
 * label) before asking for any secret. Read-only commands take the first card and say which when
 * there were several. Reading serial and label is read-only: SELECT, READ BINARY of EF 2F02
 * (device certificate, whose holder reference is the serial, §10) and EF 2F03 (TokenInfo, §3.9).
 */
import { AppletNotFoundError } from '../card/errors.ts';
import { SmartCardHsm } from '../card/sc-hsm.ts';
import { identifyDevice, type DeviceIdentity } from '../card/identify-device.ts';
import type { AmbiguousCardError } from '../transport/pcsc.ts';
import { RefusedError } from '../transport/errors.ts';
import { toHex } from '../apdu/hex.ts';
import { identifyKnownAtr } from './commands/readers/identify-atr.ts';
import type { Transport } from '../transport/transport.ts';
import type { CardSource, CliContext } from './context.ts';
import { line } from './context.ts';

/** `SmartCard-HSM UTSM0000001 "HSM A" in Virtual PCD 00 01`. */
export function deviceText(d: DeviceIdentity): string {
  const label = d.label === undefined ? '' : ` ${JSON.stringify(d.label)}`;
  return `SmartCard-HSM ${d.serial ?? '(serial unknown: no device certificate in EF 2F02)'}${label} in ${d.reader}`;
}

/** Say on stderr which device the command acts on ("device: …", "target device: …"). */
export async function announceDevice(ctx: CliContext, card: SmartCardHsm, role = 'device'): Promise<DeviceIdentity> {
  const d = await identifyDevice(card);
  line(ctx.stderr, `${role}: ${deviceText(d)}`);
  return d;
}

/**
 * Raw APDUs that can spend a PIN try or erase the device (`schsm apdu`, `schsm run`): name the device
 * before the first of them. A card whose ATR is a SmartCard-HSM's is named by serial and label, read by
 * SELECTing its applet and EF 2F02/2F03 over `transport` (so the exchanges show like the user's own;
 * a SmartCard-HSM script selects that applet anyway). Any other card is named by reader and ATR only:
 * a SELECT of another application could change what the user's APDUs find selected.
 */
export async function announceRawDevice(ctx: CliContext, transport: Transport): Promise<void> {
  const atr = toHex(transport.atr, ' ');
  const known = identifyKnownAtr(toHex(transport.atr));
  if (known?.scHsm !== 'yes') {
    const what = known === undefined ? 'not known as a SmartCard-HSM' : known.description.join('; ');
    line(ctx.stderr, `device: ${transport.name}, ATR ${atr} (${what}; its serial is not read, that would SELECT an application)`);
    return;
  }
  line(ctx.stderr, 'these APDUs can spend a PIN try or erase the device: naming it first (SELECT the applet, read EF 2F02 and 2F03)');
  try {
    await announceDevice(ctx, await SmartCardHsm.open(transport));
  } catch (err) {
    if (!(err instanceof AppletNotFoundError)) throw err;
    line(ctx.stderr, `device: no SmartCard-HSM applet in ${transport.name} (ATR ${atr})`);
  }
}

/** What is in one candidate reader: the SmartCard-HSM's serial and label, or why not. */
async function describeReader(ctx: CliContext, source: CardSource, reader: string): Promise<string> {
  const { record: _r, force: _f, noRedact: _n, requireUniqueCard: _u, onChoice: _c, secureChannel: _s, ...plain } = source;
  try {
    const transport = await ctx.openTransport({ ...plain, reader });
    try {
      return deviceText(await identifyDevice(await SmartCardHsm.open(transport)));
    } finally {
      await transport.close();
    }
  } catch (err) {
    if (err instanceof AppletNotFoundError) return `no SmartCard-HSM (no applet E82B0601040181C31F0201) in ${reader}`;
    return `${reader}: cannot read it (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** The refusal of AmbiguousCardError with every candidate named (reader index, serial, label). */
export async function listCandidates(ctx: CliContext, source: CardSource, err: AmbiguousCardError): Promise<RefusedError> {
  const lines: string[] = [];
  for (const r of err.readers) lines.push(`  --reader ${r.index}  ${await describeReader(ctx, source, r.name)}`);
  return new RefusedError(err.message, `the cards present:\n${lines.join('\n')}`, err.code);
}

export { noteChoice } from './device-choice.ts';
