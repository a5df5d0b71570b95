import { apduForDisplay, parseScript, swMatches } from '../../../apdu/script.ts';
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { formatSw } from '../../../apdu/status-words.ts';
import { isGuardedCommand } from '../../../apdu/guard.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { readInputFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { openApduSession, type ApduArgs } from '../apdu/session.ts';
import { expectationText, refusalAt, unmetText, type StepResult } from '../apdu/run.ts';
import type { RefusedError } from '../../exit-codes.ts';

export interface RunScriptArgs extends ApduArgs {
  readonly file: string;
}

/** The script's text (`-`: stdin), bounded; a missing file is "APDU script X: no such file" (exit 2). */
async function readScript(ctx: CliContext, file: string): Promise<string> {
  return new TextDecoder().decode(await readInputFile(ctx, file, 'APDU script', INPUT_LIMITS.script));
}

/**
 * `schsm run FILE.apdu`: the whole script is parsed before anything is sent (a syntax error is exit
 * 2 naming file:line). Steps run in order; the first unmet expectation stops the run with exit 1
 * naming file:line; a command the safety guard refuses (a PIN try that could block a PIN without
 * --allow-last-try, INITIALIZE DEVICE without --yes) stops it with exit 4 naming file:line; `reset`
 * resets the card; `exit` ends the run successfully.
 */
export async function runScript(args: RunScriptArgs, ctx: CliContext): Promise<number> {
  const steps = parseScript(await readScript(ctx, args.file), args.file);
  const json = args.json === true;
  const critical = steps.some((s) => s.kind === 'apdu' && isGuardedCommand(s.apdu.bytes));
  const session = await openApduSession(args, ctx, critical);
  const results: Array<StepResult & { line: number }> = [];
  let failure: string | undefined;
  let refused: RefusedError | undefined;
  try {
    for (const step of steps) {
      if (step.kind === 'exit') break;
      if (step.kind === 'reset') {
        if (!json) line(ctx.stdout, `# ${args.file}:${step.line}  reset`);
        await session.reset();
        continue;
      }
      const input = args.redact === false ? step.source : apduForDisplay(step.apdu, step.source);
      if (!json) line(ctx.stdout, `# ${args.file}:${step.line}  ${input}`);
      const res = await session.send(step.apdu).catch((err: unknown) => {
        refused = refusalAt(err, `${args.file}:${step.line}`);
        failure = refused.message;
      });
      if (res === undefined) break;
      const ok = swMatches(res.sw, step.apdu.expect);
      results.push({ line: step.line, input, sw: formatSw(res.sw), expected: expectationText(step.apdu), ok });
      if (!ok) {
        failure = `${args.file}:${step.line}: ${unmetText(res.sw, step.apdu)}`;
        break;
      }
      if (!json) line(ctx.stdout);
    }
  } finally {
    await session.close();
  }
  if (json)
    printJson(ctx, {
      file: args.file,
      reader: session.transport.name,
      ok: failure === undefined,
      failure,
      ...(refused === undefined ? {} : { refused: true }),
      results,
      exchanges: session.exchanges,
    });
  if (refused !== undefined) throw refused; // exit 4: error + hint from the error boundary
  if (json) return failure === undefined ? EXIT.OK : EXIT.FAILED;
  if (failure !== undefined) line(ctx.stderr, `error: ${failure}`);
  else line(ctx.stdout, `${args.file}: ${results.length} APDU(s), every expectation held`);
  return failure === undefined ? EXIT.OK : EXIT.FAILED;
}
