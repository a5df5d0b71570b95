import { SchsmError } from '../transport/errors.ts';

/** Exit codes of every schsm command (documented in `schsm --help` and README). */
export const EXIT = {
  OK: 0, // success; every expectation held
  FAILED: 1, // the card refused or an expectation/verification failed
  USAGE: 2, // bad arguments or bad input file
  NO_CARD: 3, // PC/SC service, reader or card unavailable
  REFUSED: 4, // refused to protect the card or your files (PIN guard, missing --yes/--reader, --force needed)
  INTERNAL: 70, // a bug in schsm
  INTERRUPTED: 130, // Ctrl-C at a prompt (128 + SIGINT, as a shell reports it)
} as const;

/** What each exit code means, as `schsm --help` and the man page say it. */
export const EXIT_MEANINGS: readonly (readonly [code: number, meaning: string])[] = [
  [EXIT.OK, 'success'],
  [EXIT.FAILED, 'the card refused, a check failed or an expectation was not met'],
  [EXIT.USAGE, 'bad arguments or bad input file'],
  [EXIT.NO_CARD, 'PC/SC service, reader or card not available'],
  [
    EXIT.REFUSED,
    'refused to protect the card or your files: a PIN try that could block it (--allow-last-try), an erase (--yes), an existing file (--force), several cards and none named (--reader)',
  ],
  [EXIT.INTERNAL, 'internal error (please report)'],
  [EXIT.INTERRUPTED, 'interrupted at a prompt (Ctrl-C); nothing was done with the input'],
];

export const EXIT_CODES_HELP = ['Exit codes:', ...EXIT_MEANINGS.map(([code, meaning]) => `${String(code).padStart(3)}  ${meaning}`)].join(
  '\n',
);

/** Refusals that protect the card or the user's files (RefusedError and its kinds). */
const REFUSED_CODES = new Set([
  'ERR_SCHSM_REFUSED',
  'ERR_SCHSM_EXISTS',
  'ERR_SCHSM_LAST_PIN_TRY',
  'ERR_SCHSM_PIN_TRIES_UNKNOWN',
  'ERR_SCHSM_ERASE_UNCONFIRMED',
  'ERR_SCHSM_AMBIGUOUS_CARD',
]);

const USAGE_CODES = new Set([
  'ERR_SCHSM_USAGE',
  'ERR_SCHSM_HEX',
  'ERR_SCHSM_SCRIPT',
  'ERR_SCHSM_APDU_ENCODE',
  'ERR_SCHSM_APDU_TOO_LARGE',
  'ERR_SCHSM_INPUT_TOO_LARGE',
  'ERR_SCHSM_TLV',
  'ERR_SCHSM_TLV_DEPTH',
  'ERR_SCHSM_FILE_FORMAT',
  'ERR_SCHSM_TRACE_PARSE',
]);

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof SchsmError)) return EXIT.INTERNAL;
  const code = error.code;
  if (USAGE_CODES.has(code)) return EXIT.USAGE;
  if (code === 'ERR_SCHSM_INTERRUPTED') return EXIT.INTERRUPTED;
  if (REFUSED_CODES.has(code)) return EXIT.REFUSED;
  if (
    code.startsWith('ERR_SCHSM_PCSC') ||
    (code.startsWith('ERR_SCHSM_TRANSPORT') && code !== 'ERR_SCHSM_TRANSPORT_PIN') ||
    code === 'ERR_SCHSM_TIMEOUT' ||
    code === 'ERR_SCHSM_NO_CARD'
  )
    return EXIT.NO_CARD;
  return EXIT.FAILED;
}

/** The generic kinds live beside SchsmError (every layer raises them); re-exported for the commands. */
export { RefusedError, UsageError } from '../transport/errors.ts';
