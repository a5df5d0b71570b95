import { createReplayTransport } from '../../../../trace/replay.ts';
import type { GlobalArgs } from '../../../command.ts';
import { line, type CliContext } from '../../../context.ts';
import { EXIT, UsageError } from '../../../exit-codes.ts';
import { loadForCli } from '../load.ts';

export interface TraceReplayArgs extends Partial<GlobalArgs> {
  readonly file: string;
  readonly command?: readonly (string | number)[] | undefined;
  readonly strict?: boolean | undefined;
  readonly '--'?: readonly (string | number)[] | undefined;
}

/**
 * Run `schsm <command…>` with every card the command opens answered by the trace (strict replay,
 * masks honoured), then require that the whole trace was used. The inner command's own error report
 * (a TraceMismatchError shows expected, actual and the trace line) and exit code come through.
 */
export async function runTraceReplay(args: TraceReplayArgs, ctx: CliContext): Promise<number> {
  const rest = [...(args.command ?? []), ...(args['--'] ?? [])].map(String);
  if (rest.length === 0)
    throw new UsageError('name the schsm command to replay after --', 'e.g. schsm trace replay status.trace -- status');
  const transport = createReplayTransport(await loadForCli(ctx, args.file), { strict: args.strict !== false });
  const { runCli } = await import('../../../main.ts');
  const code = await runCli(rest, { ...ctx, openTransport: async () => transport });
  if (code !== EXIT.OK) {
    line(
      ctx.stderr,
      `replay: "schsm ${rest.join(' ')}" exited with ${code} after ${transport.position} of ${transport.trace.records.length} recorded record(s)`,
    );
    return code;
  }
  transport.assertConsumed();
  for (const m of transport.mismatches) line(ctx.stderr, `replay (not strict): ${m.message.split('\n').join(' ')}`);
  line(ctx.stderr, `replay: all ${transport.trace.records.length} recorded record(s) used`);
  return EXIT.OK;
}
