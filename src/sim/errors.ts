import { SchsmError } from '../transport/errors.ts';

/** A simulator state file that cannot be used (unreadable, not JSON, wrong format or version). */
export class SimStateError extends SchsmError {
  override name = 'SimStateError';
  readonly file: string | undefined;
  constructor(message: string, file?: string, cause?: unknown) {
    super(file === undefined ? message : `simulator state file ${file}: ${message}`, 'ERR_SCHSM_SIM_STATE', {
      ...(cause === undefined ? {} : { cause }),
      hint:
        file === undefined
          ? 'the state was not written by this version of schsm'
          : `the file is left untouched; move it away (or restore a backup) to start with a fresh simulated card`,
    });
    this.file = file;
  }
}
