import { defineGroup } from '../../command.ts';
import { traceCaptureCommand } from './capture/command.ts';
import { traceDiffCommand } from './diff/command.ts';
import { traceImportCommand } from './import/command.ts';
import { traceReplayCommand } from './replay/command.ts';
import { traceShowCommand } from './show/command.ts';

/** `schsm trace …`: APDU traces (format: src/trace/format.ts). Offline; `replay` runs another command against a trace, `capture` another program under the spy. */
export const traceCommand = defineGroup({
  command: 'trace',
  describe: "APDU traces: import other tools' logs, show them annotated, diff two sessions, replay one, capture another application's",
  subcommands: [traceImportCommand, traceShowCommand, traceDiffCommand, traceReplayCommand, traceCaptureCommand],
});
