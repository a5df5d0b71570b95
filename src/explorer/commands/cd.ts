/**
 * `cd {..|3F00|aid:HEX}`. The SmartCard-HSM has one application with a flat namespace (§5); like
 * OpenSC, the MF 3F00 is virtual (no APDU). `cd aid:E82B…` SELECTs the applet again, which resets the
 * PIN verification (§2.3); any other AID is SELECTed as given (`00 A4 04 00 Lc AID 00`).
 */
import { bytesEqual, fromHex } from '../../apdu/hex.ts';
import { CLA, INS, SC_HSM_AID } from '../../card/constants.ts';
import { arity, fidHex, parseArgs, parseFid } from '../args.ts';
import { UsageError } from '../../transport/errors.ts';
import { completeWords } from '../complete.ts';
import { dfText } from '../paths.ts';
import type { ExplorerSession } from '../session.ts';
import type { ExplorerCommand } from '../types.ts';

const USAGE = 'cd {..|3F00|aid:HEX}';

async function selectAid(session: ExplorerSession, aid: Uint8Array): Promise<void> {
  const card = await session.card();
  if (bytesEqual(aid, SC_HSM_AID)) {
    await card.logout();
    session.df = { kind: 'applet' };
    session.print('SmartCard-HSM applet selected (selecting it again resets the PIN verification)');
    return;
  }
  await card.send(
    { cla: CLA.ISO, ins: INS.SELECT, p1: 0x04, p2: 0x00, data: aid, ne: 256, form: 'short' },
    { operation: `SELECT AID ${dfText({ kind: 'aid', aid })}` },
  );
  session.df = { kind: 'aid', aid };
  session.warn('another application is selected: SmartCard-HSM commands fail until `cd aid:E82B0601040181C31F0201`');
}

export const cd: ExplorerCommand = {
  name: 'cd',
  args: '{..|3F00|aid:HEX}',
  help: 'change to another DF: the MF, or an application by AID',
  details: [
    'cd ..            to the (virtual) MF 3F00',
    'cd aid:E82B0601040181C31F0201   select the SmartCard-HSM applet again (logs out)',
  ],
  complete: (_s, index, partial) => (index === 0 ? completeWords(['..', '3F00', 'aid:E82B0601040181C31F0201'], partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 1, 1, USAGE);
    const target = args.positional[0] ?? '';
    if (target === '..') {
      if (session.df.kind === 'mf') throw new UsageError('already at the MF 3F00');
      session.df = { kind: 'mf' };
      return;
    }
    if (target.toLowerCase().startsWith('aid:')) return selectAid(session, parseAid(target.slice(4)));
    const fid = parseFid(target);
    if (fid === 0x3f00) {
      session.df = { kind: 'mf' };
      return;
    }
    throw new UsageError(
      `${fidHex(fid)} is not a DF`,
      'the SmartCard-HSM keeps all files in one flat namespace inside its applet (§5): use cat/info/get on them directly',
    );
  },
};

function parseAid(text: string): Uint8Array {
  let aid: Uint8Array;
  try {
    aid = fromHex(text);
  } catch {
    throw new UsageError(`${JSON.stringify(text)} is not an AID`, 'an AID is 5..16 bytes of hex, e.g. aid:E82B0601040181C31F0201');
  }
  if (aid.length < 5 || aid.length > 16) throw new UsageError(`an AID is 5..16 bytes, got ${aid.length}`);
  return aid;
}
