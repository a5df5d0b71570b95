import { UsageError } from '../../../transport/errors.ts';
import { SCHSM_VERSION } from '../../../transport/version.ts';
import { type CardArgs, withCardAt } from '../../card-session.ts';
import { cardSource } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { simStateOf } from '../../default-context.ts';
import { EXIT } from '../../exit-codes.ts';
import { commandTree } from '../../reference/introspect.ts';
import { bashScript } from './bash.ts';
import { fishScript } from './fish.ts';
import { completionNodes } from './spec.ts';
import { zshScript } from './zsh.ts';

export type CompletionArgs = CardArgs & { readonly shell?: string | undefined; readonly values?: string | undefined };

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

/** `schsm completion SHELL` prints the script; `--values KIND` is what the scripts call at TAB time. */
export async function runCompletion(args: CompletionArgs, ctx: CliContext): Promise<number> {
  if (args.values === 'readers') return printReaders(ctx);
  if (args.values === 'key-refs') return printKeyRefs(args, ctx);
  const render = SCRIPTS[args.shell as keyof typeof SCRIPTS] as (typeof SCRIPTS)[keyof typeof SCRIPTS] | undefined;
  if (render === undefined) throw new UsageError('name the shell: schsm completion bash|zsh|fish');
  ctx.stdout(render(completionNodes(commandTree()), SCHSM_VERSION));
  return EXIT.OK;
}

/** Reader names as pcscd lists them; nothing when PC/SC is not there (a completion stays quiet). */
async function printReaders(ctx: CliContext): Promise<number> {
  try {
    const { listReaders } = await import('../../../transport/pcsc.ts');
    for (const r of await listReaders({ timeoutMs: 1000 })) line(ctx.stdout, r.name);
  } catch {}
  return EXIT.OK;
}

/**
 * `REF<TAB>label` for each key of the simulated card in the state file the command line names,
 * loaded into memory and never saved (completion changes nothing). A real card is never asked.
 */
async function printKeyRefs(args: CompletionArgs, ctx: CliContext): Promise<number> {
  const file = simStateOf(cardSource(args));
  if (file === undefined) return EXIT.OK;
  const { loadSimulator, cardTransport } = await import('../../../sim/index.ts');
  const { listKeys } = await import('../../../card/keys.ts');
  const sim = await loadSimulator(file).catch(() => undefined);
  if (sim === undefined) return EXIT.OK;
  const keys = await withCardAt({ ...ctx, openTransport: async () => cardTransport(sim) }, {}, (card) => listKeys(card)).catch(() => []);
  for (const k of keys) line(ctx.stdout, `${k.ref}\t${k.label ?? k.kind}`);
  return EXIT.OK;
}
