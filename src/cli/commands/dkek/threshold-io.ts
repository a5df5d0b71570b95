/**
 * Threshold password shares on the terminal and in files, in sc-hsm-tool's text form (§8.3 steps 6–7):
 * showing each custodian's share on its own cleared screen, and reading a prime plus K (ID, value)
 * pairs from prompts, stdin lines or a file of printouts.
 */
import {
  formatPasswordShare,
  parseColonHex,
  parsePasswordShareText,
  parseShareId,
  decimalReadingDiffers,
  type ShareIdBase,
} from '../../../card/formats/threshold-text.ts';
import type { PasswordShare, PasswordSplit } from '../../../card/formats/threshold.ts';
import { line, type CliContext } from '../../context.ts';
import { UsageError } from '../../exit-codes.ts';
import { canPrompt, type SecretReader } from '../../secret-input.ts';

/** Home, clear screen, clear scrollback (as sc-hsm-tool does, so no share stays in the terminal's history). */
const CLEAR_SCREEN = '\u001b[H\u001b[2J\u001b[3J';

/** The text block of share `i` (0-based): header line, then the three lines sc-hsm-tool prints. */
export function shareBlock(split: PasswordSplit, i: number): string {
  const share = split.shares[i];
  if (share === undefined) throw new UsageError(`no share ${i + 1}`);
  return `Share ${i + 1} of ${split.shares.length}\n\n${formatPasswordShare(split.prime, share)}`;
}

/**
 * Present the shares. On a terminal (stdout and stdin): one share per screen, the screen cleared
 * before and after, each shown only after <enter> and hidden again at the next <enter>, as sc-hsm-tool
 * does. Otherwise all blocks one after another (pipes, tests, automation).
 */
export async function presentShares(ctx: CliContext, reader: SecretReader, split: PasswordSplit): Promise<void> {
  const n = split.shares.length;
  const intro = `The share password is split into ${n} shares; any ${split.threshold} of them open the DKEK share file.`;
  if (!(ctx.isTTY && canPrompt(ctx))) {
    line(ctx.stdout, intro);
    for (let i = 0; i < n; i++) line(ctx.stdout, `\n${shareBlock(split, i)}`);
    return;
  }
  line(ctx.stdout, intro);
  line(ctx.stdout, 'Each custodian notes one share; make sure nobody else can see the screen.');
  for (let i = 0; i < n; i++) {
    await reader.ask(`\nPress <enter> to display key share ${i + 1} of ${n}`, 'confirmation');
    ctx.stdout(CLEAR_SCREEN);
    line(ctx.stdout, `${shareBlock(split, i)}\n`);
    await reader.ask('Please note ALL values above and press <enter> when finished', 'confirmation');
    ctx.stdout(CLEAR_SCREEN);
  }
}

export interface ShareSet {
  readonly prime: bigint;
  readonly shares: readonly PasswordShare[];
}

/** Blocks of a printout file: each starts at a "Prime :" line. */
export function parseShareFileText(text: string, idBase: ShareIdBase): ShareSet {
  const starts = [...text.matchAll(/^\s*Prime\s*:/gim)].map((m) => m.index ?? 0);
  if (starts.length === 0)
    throw new UsageError(
      'the shares file has no "Prime :" line',
      'it holds the printouts: Prime, Share ID and Share value lines per share',
    );
  const parsed = starts.map((s, i) => parsePasswordShareText(text.slice(s, starts[i + 1] ?? text.length), idBase));
  const prime = parsed[0]?.prime ?? 0n;
  if (parsed.some((p) => p.prime !== prime))
    throw new UsageError('the shares in the file have different primes: they belong to different share files');
  return { prime, shares: parsed.map((p) => p.share) };
}

/** A value as typed or piped, with an optional "Label :" prefix from a printout. */
function stripLabel(text: string): string {
  return text.replace(/^\s*(Prime|Share ID|Share value)\s*:/i, '');
}

/** Read the prime and `count` shares interactively (sc-hsm-tool's prompts) or from stdin lines. */
export async function readShares(ctx: CliContext, reader: SecretReader, count: number, idBase: ShareIdBase): Promise<ShareSet> {
  const prime = parseColonHex(stripLabel(await reader.ask('Please enter prime: ', 'prime', true)), 'prime');
  const shares: PasswordShare[] = [];
  const idTexts: string[] = [];
  for (let i = 0; i < count; i++) {
    if (canPrompt(ctx)) line(ctx.stderr, `Share ${i + 1} of ${count}`);
    const idText = stripLabel(await reader.ask('Please enter share ID: ', 'share ID', true)).trim();
    idTexts.push(idText);
    const value = parseColonHex(stripLabel(await reader.ask('Please enter share value: ', 'share value')), 'share value');
    shares.push({ id: parseShareId(idText, idBase), value });
  }
  if (idBase === 'hex' && decimalReadingDiffers(idTexts)) {
    line(
      ctx.stderr,
      "warning: share IDs ≥ 10 were read as hex (sc-hsm-tool's own reading); if sc-hsm-tool printed them, retry with --share-id-base decimal",
    );
  }
  return { prime, shares };
}
