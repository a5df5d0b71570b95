import { apduForDisplay, parseApduText, swMatches, type ParsedApdu } from '../../../apdu/script.ts';
import { describeStatusWord, formatSw } from '../../../apdu/status-words.ts';
import { isGuardedCommand } from '../../../apdu/guard.ts';
import { toHex } from '../../../apdu/hex.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { openApduSession, type ApduArgs } from './session.ts';

export interface ApduCommandArgs extends ApduArgs {
  readonly apdus: readonly string[];
}

/** One result line: what was asked, what came back, whether the expectation held. */
export interface StepResult {
  readonly input: string;
  readonly sw: string;
  readonly expected: string;
  readonly ok: boolean;
  readonly data?: string;
}

/** "expected 9000 or 61xx" / "expected 63Cx". */
export function expectationText(apdu: ParsedApdu): string {
  return apdu.expect === undefined ? '9000 or 61xx' : apdu.expect.text;
}

export function unmetText(sw: number, apdu: ParsedApdu): string {
  const d = describeStatusWord(sw);
  return `expected SW ${expectationText(apdu)}, got ${formatSw(sw)} (${d.name}: ${d.meaning})`;
}

/**
 * The guard refused a step: the same refusal, saying which step (by position: the APDU text may carry
 * a PIN), for exit code 4. Anything else is rethrown.
 */
export function refusalAt(err: unknown, where: string): RefusedError {
  if (!(err instanceof RefusedError)) throw err;
  return new RefusedError(`${where}: ${err.message}`, err.hint ?? '', err.code);
}

/**
 * `schsm apdu 00 B0 00`: single bytes as separate words are one APDU split by the shell (it would send
 * three 1-byte INS forms), refused before anything is sent; several APDUs are several words, each more
 * than one byte or in the structured form (`84/08 84/08`).
 */
function checkNotSplit(apdus: readonly string[]): void {
  if (apdus.length < 2 || !apdus.every((a) => /^[0-9a-fA-F]{2}$/.test(a.trim()))) return;
  throw new UsageError(
    `${apdus.length} single bytes (${apdus.join(' ')}) as separate APDUs: is it one APDU the shell split?`,
    `quote a whole APDU ("00 B0 00 00"); a one-byte INS form carries its Le (84/08)`,
  );
}

/**
 * `schsm apdu APDU…`: parse every argument first (a typo never sends half the list), then send them
 * in order through the channel; stop at the first unmet expectation (exit 1) or at the first APDU the
 * safety guard refuses (exit 4, nothing of it sent). `reset` as an argument resets. An APDU is repeated
 * (in `--json` and errors) with its secret bytes as `..` unless --no-redact.
 */
export async function runApdu(args: ApduCommandArgs, ctx: CliContext): Promise<number> {
  const show = args.redact === false;
  checkNotSplit(args.apdus);
  const steps = args.apdus.map((text) => {
    if (text.trim().toLowerCase() === 'reset') return 'reset' as const;
    const apdu = parseApduText(text);
    return { text: show ? text : apduForDisplay(apdu, text), apdu };
  });
  const critical = steps.some((s) => s !== 'reset' && isGuardedCommand(s.apdu.bytes));
  const session = await openApduSession(args, ctx, critical);
  const results: StepResult[] = [];
  let failed = false;
  let refused: RefusedError | undefined;
  try {
    for (const [i, step] of steps.entries()) {
      if (step === 'reset') {
        await session.reset();
        continue;
      }
      const res = await session.send(step.apdu).catch((err: unknown) => {
        refused = refusalAt(err, `APDU ${i + 1} of ${steps.length}`);
      });
      if (res === undefined) break;
      const ok = swMatches(res.sw, step.apdu.expect);
      results.push({
        input: step.text,
        sw: formatSw(res.sw),
        expected: expectationText(step.apdu),
        ok,
        ...(res.data.length > 0 && args.json === true ? { data: toHex(res.data) } : {}),
      });
      if (!ok) {
        failed = true;
        if (args.json !== true) line(ctx.stderr, `error: ${step.text}: ${unmetText(res.sw, step.apdu)}`);
        break;
      }
      if (args.json !== true) line(ctx.stdout);
    }
  } finally {
    await session.close();
  }
  if (args.json === true)
    printJson(ctx, {
      reader: session.transport.name,
      ok: !failed && refused === undefined,
      ...(refused === undefined ? {} : { refused: refused.message }),
      results,
      exchanges: session.exchanges,
    });
  if (refused !== undefined) throw refused;
  return failed ? EXIT.FAILED : EXIT.OK;
}
