import { defineCommand } from '../../../command.ts';

/** `schsm trace capture [-o FILE] -- COMMAND …`: another PC/SC application's traffic as a live schsm trace. */
export const traceCaptureCommand = defineCommand({
  command: 'capture [command..]',
  describe:
    "run any PC/SC application (pkcs11-tool, sc-hsm-tool, opensc-explorer…) under pcsc-lite's spy library and show its APDUs live, annotated and redacted; -o writes the trace",
  needsCard: false,
  builder: (y) =>
    y
      .positional('command', { type: 'string', array: true, description: 'the application and its arguments, after --' })
      .option('out', {
        alias: 'o',
        type: 'string',
        description:
          'write the trace to this file as it happens (mode 0600; never overwritten without --force; not -: stdout is the live view)',
      })
      .option('show', {
        type: 'boolean',
        default: true,
        description: 'print each exchange annotated on stderr (--no-show: only the summary)',
      })
      .option('redact-unwrap', { type: 'boolean', default: false, description: 'also mask UNWRAP KEY blobs and their EF 2F10 writes' })
      .option('spy-library', { type: 'string', description: 'path of libpcscspy.so.0 when it is not in a standard place' })
      .example('schsm trace capture -o login.trace -- pkcs11-tool -L', "pkcs11-tool's APDUs shown live and saved; its exit code is schsm's")
      .example('schsm trace capture -- sc-hsm-tool', 'watch what sc-hsm-tool sends (PINs shown as ..)')
      .example('schsm trace capture --json -o s.trace -- opensc-tool -a', 'a JSON summary on stdout; the tool prints on stderr')
      .parserConfiguration({ 'populate--': true })
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runTraceCapture(args, ctx),
});
