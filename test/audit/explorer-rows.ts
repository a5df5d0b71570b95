/**
 * THE TABLE OF THE SECRETS AUDIT, explorer part: one row per explorer line (or group of lines) that
 * takes a secret. `script` runs as a --script file (no terminal), `interactive` in the shell on a
 * pseudo-terminal with the history file on (each line typed, then the answers at its prompts). Every run
 * also has --record, -vv (script) or -v (shell) and DEBUG=schsm:*.
 */
import { type CardName, NEW_PIN, NEW_SO_PIN, PEER_PASSWORD, SO_PIN, USER_PIN } from './cards.ts';
import type { Answer } from './rows.ts';

const asciiHex = (s: string): string => Buffer.from(s).toString('hex').toUpperCase();

/** One step of an interactive explorer run: a line, then the answers to its prompts. */
export interface ExplorerStep {
  readonly line: string;
  readonly answers?: readonly Answer[];
}

export interface ExplorerRow {
  readonly name: string;
  readonly card: CardName;
  readonly files?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Script lines (undefined: the row needs a terminal). */
  readonly script?: readonly string[];
  readonly interactive: readonly ExplorerStep[];
  /** Some lines are meant to fail (a secret typed in the wrong place): the script exits 1. */
  readonly failing?: boolean;
  readonly redacted?: readonly string[];
}

const PIN_LINES = [
  `verify user ${USER_PIN}`,
  `change user ${USER_PIN} ${NEW_PIN}`,
  `unblock user ${SO_PIN} ${USER_PIN}`,
  `change so ${SO_PIN} ${NEW_SO_PIN}`,
];

export const EXPLORER_ROWS: readonly ExplorerRow[] = [
  {
    name: 'explore: verify, change, unblock with the PINs on the line',
    card: 'ready',
    script: PIN_LINES,
    interactive: PIN_LINES.map((line) => ({ line })),
    redacted: ['PIN (VERIFY)', 'old and new PIN (CHANGE REFERENCE DATA)', 'SO-PIN and new PIN (RESET RETRY COUNTER)'],
  },
  {
    name: 'explore: verify, change, unblock at hidden prompts',
    card: 'ready',
    interactive: [
      { line: 'verify user', answers: [['User PIN: ', USER_PIN]] },
      {
        line: 'change user',
        answers: [
          ['Current user PIN: ', USER_PIN],
          ['New user PIN: ', NEW_PIN],
          ['Repeat new user PIN: ', NEW_PIN],
        ],
      },
      {
        line: 'unblock user',
        answers: [
          ['SO-PIN (16 hex digits): ', SO_PIN],
          ['New user PIN (Enter: keep the current one): ', USER_PIN],
          ['Repeat new user PIN: ', USER_PIN],
        ],
      },
    ],
    redacted: ['PIN (VERIFY)', 'SO-PIN and new PIN (RESET RETRY COUNTER)'],
  },
  {
    name: 'explore: dkek import',
    card: 'pending',
    files: ['peer.pbe'],
    env: { PW: PEER_PASSWORD },
    script: ['dkek import peer.pbe --password-env PW'],
    interactive: [{ line: 'dkek import peer.pbe', answers: [['Password of peer.pbe: ', PEER_PASSWORD]] }],
    redacted: ['DKEK share (IMPORT DKEK SHARE)'],
  },
  {
    name: 'explore: raw secret APDUs',
    card: 'ready',
    script: [
      `apdu 00 20 00 81 0C ${asciiHex(USER_PIN)}`,
      `apdu 00 20 00 81 02 ${asciiHex(USER_PIN)}=XXXX`,
      `apdu 00200081:${asciiHex(USER_PIN)}`,
    ],
    interactive: [{ line: `apdu 00 20 00 81 0C ${asciiHex(USER_PIN)}` }, { line: `apdu 00200081:${asciiHex(USER_PIN)}` }],
    redacted: ['PIN (VERIFY)'],
  },
  {
    name: 'explore: secrets typed where the parser rejects them',
    card: 'ready',
    files: ['peer.pbe'],
    failing: true,
    script: [
      `verify user ${USER_PIN}`,
      `keys wrap 1 w.wrapped --pin ${USER_PIN}`,
      `dkek import peer.pbe --password ${PEER_PASSWORD}`,
      `dkek import peer.pbe ${PEER_PASSWORD}`,
      `verify user --pin=${USER_PIN}`,
      `chnage user ${USER_PIN} ${NEW_PIN}`,
    ],
    interactive: [
      { line: `keys wrap 1 w.wrapped --pin ${USER_PIN}` },
      { line: `dkek import peer.pbe --password ${PEER_PASSWORD}` },
      { line: `dkek import peer.pbe ${PEER_PASSWORD}` },
      { line: `chnage user ${USER_PIN} ${NEW_PIN}` },
    ],
  },
  {
    name: 'explore: verify inside a secure channel (sm open)',
    card: 'ready',
    script: ['sm open', `verify user ${USER_PIN}`, 'sm close'],
    interactive: [{ line: 'sm open' }, { line: 'verify user', answers: [['User PIN: ', USER_PIN]] }],
    redacted: ['PIN (VERIFY)'],
  },
];
