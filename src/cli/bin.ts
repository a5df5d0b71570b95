/**
 * The CLI bundle's entry (scripts/build.mjs writes it to dist/bundle/schsm.js); bin/schsm.js runs it.
 * Nothing else: the commands' logic is imported when a command runs.
 */
export { runCli } from './main.ts';
export { defaultContext } from './default-context.ts';
/** For scripts/build.mjs: the help bin/schsm.js prints without loading this bundle. */
export { helpSnapshot, SNAPSHOT_WIDTHS } from './help-snapshot.ts';
