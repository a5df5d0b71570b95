import path from 'node:path';
import { parseScript, swMatches } from '../../../apdu/script.ts';
import { INPUT_LIMITS, InputTooLargeError, readBoundedFile } from '../../../transport/bounded-read.ts';
import { formatSw } from '../../../apdu/status-words.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { openApduSession, type ApduArgs } from '../apdu/session.ts';
import { expectationText, unmetText, type StepResult } from '../apdu/run.ts';

export interface RunScriptArgs extends ApduArgs {
  readonly file: string;
}

async function readScript(ctx: CliContext, file: string): Promise<string> {
  try {
    const bytes = await readBoundedFile(path.resolve(ctx.cwd, file), INPUT_LIMITS.script, { name: file, what: 'APDU script' });
    return new TextDecoder().decode(bytes);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw error;
    throw new UsageError(
      `cannot read APDU script ${file}: ${(error as Error).message}`,
      'give the path of an .apdu file (see apdu/ for examples)',
    );
  }
}

/**
 * `schsm run FILE.apdu`: the whole script is parsed before anything is sent (a syntax error is exit
 * 2 naming file:line). Steps run in order; the first unmet expectation stops the run with exit 1
 * naming file:line; `reset` resets the card; `exit` ends the run successfully.
 */
export async function runScript(args: RunScriptArgs, ctx: CliContext): Promise<number> {
  const steps = parseScript(await readScript(ctx, args.file), args.file);
  const json = args.json === true;
  const session = await openApduSession(args, ctx);
  const results: Array<StepResult & { line: number }> = [];
  let failure: string | undefined;
  try {
    for (const step of steps) {
      if (step.kind === 'exit') break;
      if (step.kind === 'reset') {
        if (!json) line(ctx.stdout, `# ${args.file}:${step.line}  reset`);
        await session.reset();
        continue;
      }
      if (!json) line(ctx.stdout, `# ${args.file}:${step.line}  ${step.source}`);
      const res = await session.send(step.apdu);
      const ok = swMatches(res.sw, step.apdu.expect);
      results.push({ line: step.line, input: step.source, sw: formatSw(res.sw), expected: expectationText(step.apdu), ok });
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
      results,
      exchanges: session.exchanges,
    });
  else if (failure !== undefined) line(ctx.stderr, `error: ${failure}`);
  else line(ctx.stdout, `${args.file}: ${results.length} APDU(s), every expectation held`);
  return failure === undefined ? EXIT.OK : EXIT.FAILED;
}
