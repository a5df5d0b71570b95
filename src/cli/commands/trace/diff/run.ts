import { diffRecordStreams, renderDiff } from '../../../../trace/diff.ts';
import type { GlobalArgs } from '../../../command.ts';
import type { CliContext } from '../../../context.ts';
import { EXIT } from '../../../exit-codes.ts';
import { printJson } from '../../../output.ts';
import { streamForCli } from '../load.ts';

export interface TraceDiffArgs extends Partial<GlobalArgs> {
  readonly a: string;
  readonly b: string;
}

/** Compare two traces, streamed (trace/stream.ts, any size); EXIT.FAILED (1) when they differ. */
export async function runTraceDiff(args: TraceDiffArgs, ctx: CliContext): Promise<number> {
  const d = diffRecordStreams(
    await streamForCli(ctx, args.a, { redact: args.redact }),
    await streamForCli(ctx, args.b, { redact: args.redact }),
  );
  if (args.json === true) printJson(ctx, { a: args.a, b: args.b, ...d });
  else ctx.stdout(renderDiff(d, args.a, args.b));
  return d.equal ? EXIT.OK : EXIT.FAILED;
}
