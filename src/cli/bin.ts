/**
 * The CLI bundle's entry (scripts/build.mjs writes it to dist/bundle/schsm.cjs); bin/schsm.js runs `main`.
 * Nothing else: the commands' logic is imported when a command runs.
 */
import { pcscLeftForExit, releasePcscAtExit } from '../transport/pcsc-binding.ts';
import { madeStdio } from './closed-pipe.ts';
import { defaultContext } from './default-context.ts';
import { runCli } from './main.ts';

export { runCli, defaultContext };

/** Written out: a callback once everything written before has been handed to the system. */
const flushed = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => stream.write('', () => resolve()));

/**
 * The process: run the command line, then end. A command that used PC/SC leaves the reader status
 * threads to the end of the process (transport/pcsc-binding.ts, "releasing at exit": joining them safely cost 40 ms), and
 * those threads would keep it alive, so it ends here, once stdout and stderr are flushed.
 */
export async function main(argv: readonly string[]): Promise<void> {
  releasePcscAtExit();
  const code = await runCli(argv, defaultContext());
  if (!pcscLeftForExit()) {
    process.exitCode = code;
    return;
  }
  await Promise.all(madeStdio().map(flushed)); // writes straight to a pipe or file are done already
  process.exit(code);
}

/** For scripts/build.mjs: the help bin/schsm.js prints without loading this bundle. */
export { helpSnapshot, SNAPSHOT_WIDTHS } from './help-snapshot.ts';
