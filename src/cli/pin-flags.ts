/**
 * The user-PIN flags of every command that logs in, as a yargs builder step. Kept apart from
 * pin-options.ts (the login itself, which pulls in the card layer) because command.ts files import
 * it eagerly: `schsm --help` must not load card/.
 */
import type { Argv } from 'yargs';

/**
 * Adds --allow-last-try: let a PIN try through that could block the PIN (one try left, or the card
 * does not say how many). Every command that can spend a PIN try has it; `--force` never does this.
 */
export function withAllowLastTry<T>(y: Argv<T>): Argv<T & { 'allow-last-try': boolean }> {
  return y.option('allow-last-try', {
    type: 'boolean',
    default: false,
    description: 'allow a PIN try that could block the PIN (one try left, or the card does not say how many)',
  });
}

/** Adds --pin-env VAR, --pin-stdin and the discouraged literal --pin (and --allow-last-try). */
export function withPinOptions<T>(
  y: Argv<T>,
): Argv<T & { pin: string | undefined; 'pin-env': string | undefined; 'pin-stdin': boolean; 'allow-last-try': boolean }> {
  return withAllowLastTry(y)
    .option('pin-env', { type: 'string', description: 'read the user PIN from this environment variable' })
    .option('pin-stdin', { type: 'boolean', default: false, description: 'read the user PIN from a line of stdin' })
    .option('pin', {
      type: 'string',
      description: 'the user PIN itself (leaks into shell history and ps; prefer the prompt, --pin-env or --pin-stdin)',
    });
}
