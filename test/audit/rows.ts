/**
 * THE TABLE OF THE SECRETS AUDIT (CLI commands; explorer lines are in explorer-rows.ts). A command that
 * takes a secret gets one row here; secrets-audit.test.ts runs every row in every mode and searches every
 * output and file for every secret of cards.ts in every encoding. Nothing else needs to change.
 *
 * CLI rows: `script` feeds the secrets from the environment or stdin (no terminal), `json` adds
 * --json and uses the literal flags where the command has them (--pin X: warned about, yet never
 * printed), `interactive` types them at the hidden prompts of a real pseudo-terminal. Every mode also
 * runs with --record, -vv and DEBUG=schsm:*.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromHex } from '../../src/apdu/hex.ts';
import {
  type AuditSecret,
  type CardName,
  NEW_PIN,
  NEW_SHARE_PASSWORD,
  NEW_SO_PIN,
  P12_PASSWORD,
  PEER_PASSWORD,
  SO_PIN,
  THRESHOLD_PRIME,
  THRESHOLD_SHARES,
  USER_PIN,
} from './cards.ts';

export interface Feed {
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: string;
}

/** A prompt to wait for (its text) and what to type there. */
export type Answer = readonly [prompt: string, answer: string];

export interface CliRow {
  readonly name: string;
  /** State files to create from the card templates, by file name. */
  readonly cards?: Readonly<Record<string, CardName>>;
  /** Template input files to copy in (share files are secret files). */
  readonly files?: readonly string[];
  /** Files to write before the run (e.g. an APDU script holding a PIN: the user's own input). */
  readonly write?: Readonly<Record<string, string>>;
  readonly script: Feed;
  readonly json: Feed;
  readonly interactive: { readonly args: readonly string[]; readonly answers: readonly Answer[] };
  /** `# redacted:` notes the trace must show: the secret did go over the wire, masked. */
  readonly redacted?: readonly string[];
  /** Files the command writes whose purpose is to hold a secret (must be mode 0600; not searched). */
  readonly creates?: readonly string[];
  /** Exit code of every mode (default 0; 2 for a row of usage mistakes). */
  readonly code?: number;
  /** Secrets the command makes (read from the file it writes them to), searched for like the others. */
  readonly made?: (dir: string) => readonly AuditSecret[];
}

const SELECT = '00A4040C0BE82B0601040181C31F0201';
const asciiHex = (s: string): string => Buffer.from(s).toString('hex').toUpperCase();
const CARD = ['--sim-state', 'card.json'];
const spaced = (hex: string): string => hex.replace(/(..)(?!$)/g, '$1 ');

/** pcsc-tools' scriptor output (format of test/trace/logs/scriptor-1.6.2-file.out) of a VERIFY with USER_PIN. */
function scriptorLog(): string {
  const verify = spaced(`002000810C${asciiHex(USER_PIN)}`);
  return [
    'Using T=1 protocol',
    '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '< 90 00 : Normal processing.',
    verify,
    `> ${verify}`,
    '< 90 00 : Normal processing.',
    '',
  ].join('\n');
}
const env = (vars: Record<string, string>): Record<string, string> => vars;

/** A user-PIN command on the ready card: env, literal --pin, or the `User PIN:` prompt. */
function withUserPin(name: string, args: readonly string[], extra: Partial<CliRow> = {}): CliRow {
  return {
    name,
    cards: { 'card.json': 'ready' },
    script: { args: [...args, ...CARD, '--pin-env', 'PIN'], env: env({ PIN: USER_PIN }) },
    json: { args: [...args, ...CARD, '--pin', USER_PIN] },
    interactive: { args: [...args, ...CARD], answers: [['User PIN: ', USER_PIN]] },
    redacted: ['PIN (VERIFY)'],
    ...extra,
  };
}

export const CLI_ROWS: readonly CliRow[] = [
  {
    name: 'init',
    cards: { 'card.json': 'fresh' },
    script: {
      args: ['init', ...CARD, '--so-pin-env', 'SO', '--pin-env', 'PIN', '--dkek-shares', '1', '--yes'],
      env: env({ SO: SO_PIN, PIN: USER_PIN }),
    },
    json: { args: ['init', ...CARD, '--so-pin', SO_PIN, '--pin', USER_PIN, '--dkek-shares', '1', '--yes'] },
    interactive: {
      args: ['init', ...CARD, '--dkek-shares', '1', '--yes'],
      answers: [
        ['New SO-PIN (16 hex digits): ', SO_PIN],
        ['Repeat the new SO-PIN (16 hex digits): ', SO_PIN],
        ['New user PIN: ', USER_PIN],
        ['Repeat the new user PIN: ', USER_PIN],
      ],
    },
    redacted: ['user PIN and SO-PIN (INITIALIZE DEVICE data)'],
  },
  withUserPin('pin verify', ['pin', 'verify']),
  {
    name: 'pin change',
    cards: { 'card.json': 'ready' },
    script: { args: ['pin', 'change', ...CARD, '--pin-env', 'PIN', '--new-pin-env', 'NEW'], env: env({ PIN: USER_PIN, NEW: NEW_PIN }) },
    json: { args: ['pin', 'change', ...CARD, '--pin', USER_PIN, '--new-pin', NEW_PIN] },
    interactive: {
      args: ['pin', 'change', ...CARD],
      answers: [
        ['Current user PIN: ', USER_PIN],
        ['New user PIN: ', NEW_PIN],
        ['Repeat the new user PIN: ', NEW_PIN],
      ],
    },
    redacted: ['old and new PIN (CHANGE REFERENCE DATA)'],
  },
  {
    name: 'pin change --so-pin',
    cards: { 'card.json': 'ready' },
    script: { args: ['pin', 'change', '--so-pin', ...CARD, '--pin-stdin'], stdin: `${SO_PIN}\n${NEW_SO_PIN}\n` },
    json: { args: ['pin', 'change', '--so-pin', ...CARD, '--pin', SO_PIN, '--new-pin', NEW_SO_PIN] },
    interactive: {
      args: ['pin', 'change', '--so-pin', ...CARD],
      answers: [
        ['Current SO-PIN: ', SO_PIN],
        ['New SO-PIN: ', NEW_SO_PIN],
        ['Repeat the new SO-PIN: ', NEW_SO_PIN],
      ],
    },
    redacted: ['old and new PIN (CHANGE REFERENCE DATA)'],
  },
  {
    name: 'pin unblock',
    cards: { 'card.json': 'ready' },
    script: { args: ['pin', 'unblock', ...CARD, '--so-pin-env', 'SO', '--new-pin-env', 'NEW'], env: env({ SO: SO_PIN, NEW: NEW_PIN }) },
    json: { args: ['pin', 'unblock', ...CARD, '--stdin'], stdin: `${SO_PIN}\n${NEW_PIN}\n` },
    interactive: {
      args: ['pin', 'unblock', ...CARD],
      answers: [
        ['SO-PIN: ', SO_PIN],
        ['New user PIN: ', NEW_PIN],
        ['Repeat the new user PIN: ', NEW_PIN],
      ],
    },
    redacted: ['SO-PIN and new PIN (RESET RETRY COUNTER)'],
  },
  {
    name: 'dkek create-share',
    script: { args: ['dkek', 'create-share', 'new.pbe', '--password-env', 'PW'], env: env({ PW: NEW_SHARE_PASSWORD }) },
    json: { args: ['dkek', 'create-share', 'new.pbe', '--password-stdin'], stdin: `${NEW_SHARE_PASSWORD}\n` },
    interactive: {
      args: ['dkek', 'create-share', 'new.pbe'],
      answers: [
        ['Share password: ', NEW_SHARE_PASSWORD],
        ['Repeat the share password: ', NEW_SHARE_PASSWORD],
      ],
    },
    creates: ['new.pbe'],
  },
  {
    name: 'dkek import-share',
    cards: { 'card.json': 'pending' },
    files: ['peer.pbe'],
    script: { args: ['dkek', 'import-share', 'peer.pbe', ...CARD, '--password-env', 'PW'], env: env({ PW: PEER_PASSWORD }) },
    json: { args: ['dkek', 'import-share', 'peer.pbe', ...CARD, '--password-stdin'], stdin: `${PEER_PASSWORD}\n` },
    interactive: { args: ['dkek', 'import-share', 'peer.pbe', ...CARD], answers: [['Password of peer.pbe: ', PEER_PASSWORD]] },
    redacted: ['DKEK share (IMPORT DKEK SHARE)'],
  },
  {
    name: 'dkek import-share (threshold password shares)',
    cards: { 'card.json': 'pending' },
    files: ['threshold.pbe', 'shares.txt'],
    script: { args: ['dkek', 'import-share', 'threshold.pbe', ...CARD, '--shares-file', 'shares.txt'] },
    json: {
      args: ['dkek', 'import-share', 'threshold.pbe', ...CARD, '--threshold-shares', '2'],
      stdin: `${THRESHOLD_PRIME}\n${THRESHOLD_SHARES.map((s) => `${s.id}\n${s.value}\n`).join('')}`,
    },
    interactive: {
      args: ['dkek', 'import-share', 'threshold.pbe', ...CARD, '--threshold-shares', '2'],
      answers: [
        ['Please enter prime: ', THRESHOLD_PRIME],
        ...THRESHOLD_SHARES.flatMap((s): Answer[] => [
          ['Please enter share ID: ', s.id],
          ['Please enter share value: ', s.value],
        ]),
      ],
    },
    redacted: ['DKEK share (IMPORT DKEK SHARE)'],
  },
  withUserPin('keys generate', ['keys', 'generate', '--type', 'ec:prime256v1', '--label', 'fresh-key']),
  withUserPin('keys sign', ['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', 'msg.txt', '--out', 'msg.sig'], {
    files: ['msg.txt'],
  }),
  withUserPin('keys wrap', ['keys', 'wrap', '--ref', '1', 'out.wrapped'], { creates: ['out.wrapped'] }),
  withUserPin('keys unwrap', ['keys', 'unwrap', 'key1.wrapped', '--ref', '2'], { files: ['key1.wrapped'] }),
  withUserPin('keys delete', ['keys', 'delete', '--ref', '1', '--yes']),
  withUserPin('keys request', ['keys', 'request', '--ref', '1', '--subject', 'CN=audit', '--out', 'req.pem']),
  withUserPin('keys self-sign', ['keys', 'self-sign', '--ref', '1', '--subject', 'CN=audit', '--days', '30', '--out', 'self.pem']),
  {
    name: 'backup verify',
    files: ['peer.pbe', 'key1.wrapped'],
    script: { args: ['backup', 'verify', 'key1.wrapped', '--share', 'peer.pbe', '--password-env', 'PW'], env: env({ PW: PEER_PASSWORD }) },
    json: { args: ['backup', 'verify', 'key1.wrapped', '--share', 'peer.pbe', '--password-stdin'], stdin: `${PEER_PASSWORD}\n` },
    interactive: {
      args: ['backup', 'verify', 'key1.wrapped', '--share', 'peer.pbe'],
      answers: [['Password of peer.pbe: ', PEER_PASSWORD]],
    },
  },
  {
    name: 'clone',
    cards: { 'src.json': 'ready', 'dst.json': 'target' },
    script: {
      args: ['clone', '--from', 'sim:src.json', '--to', 'sim:dst.json', '--pin-env', 'PIN', '--to-pin-env', 'PIN'],
      env: env({ PIN: USER_PIN }),
    },
    json: { args: ['clone', '--from', 'sim:src.json', '--to', 'sim:dst.json', '--pin-stdin'], stdin: `${USER_PIN}\n${USER_PIN}\n` },
    interactive: {
      args: ['clone', '--from', 'sim:src.json', '--to', 'sim:dst.json'],
      answers: [
        ['User PIN: ', USER_PIN],
        ['User PIN of the target: ', USER_PIN],
      ],
    },
  },
  {
    // fleet never prompts: a PIN comes from --pin-env/--pin-stdin/--pin or not at all
    name: 'fleet status',
    cards: { 'card.json': 'ready' },
    script: { args: ['fleet', 'status', '--reader', 'sim:card.json', '--pin-env', 'PIN'], env: env({ PIN: USER_PIN }) },
    json: { args: ['fleet', 'status', '--reader', 'sim:card.json', '--pin-stdin'], stdin: `${USER_PIN}\n` },
    interactive: { args: ['fleet', 'status', '--reader', 'sim:card.json', '--pin', USER_PIN], answers: [] },
  },
  {
    name: 'apdu (raw VERIFY, also malformed)',
    cards: { 'card.json': 'ready' },
    script: { args: ['apdu', ...CARD, SELECT, `002000810C${asciiHex(USER_PIN)}`, `0020008102${asciiHex(USER_PIN)}=XXXX`] },
    json: { args: ['apdu', ...CARD, SELECT, `00 20 00 81 0C ${asciiHex(USER_PIN)}`, `00200081${asciiHex(USER_PIN)}=XXXX`] },
    interactive: { args: ['apdu', ...CARD, SELECT, `00200081:${asciiHex(USER_PIN)}`], answers: [] },
    redacted: ['PIN (VERIFY)'],
  },
  {
    name: 'run (APDU script with VERIFY, CHANGE and RESET RETRY COUNTER)',
    cards: { 'card.json': 'ready' },
    write: {
      'pins.apdu': [
        SELECT,
        `00 20 00 81 0C ${asciiHex(USER_PIN)}`,
        `00 24 00 81 18 ${asciiHex(USER_PIN)} ${asciiHex(NEW_PIN)}`,
        `00 2C 00 81 14 ${SO_PIN} ${asciiHex(USER_PIN)}`,
        '',
      ].join('\n'),
    },
    script: { args: ['run', 'pins.apdu', ...CARD] },
    json: { args: ['run', 'pins.apdu', ...CARD] },
    interactive: { args: ['run', 'pins.apdu', ...CARD], answers: [] },
    redacted: ['PIN (VERIFY)', 'old and new PIN (CHANGE REFERENCE DATA)', 'SO-PIN and new PIN (RESET RETRY COUNTER)'],
  },
  {
    name: 'secrets given in the wrong place (a PIN as a word, as a variable name, after a misspelt command)',
    cards: { 'card.json': 'ready' },
    script: { args: ['pin', 'verify', USER_PIN, ...CARD] },
    json: { args: ['pin', 'verify', ...CARD, '--pin-env', USER_PIN] },
    interactive: { args: ['pin', 'verfy', USER_PIN, ...CARD], answers: [] },
    code: 2,
  },
  withUserPin('pin verify --secure-channel', ['pin', 'verify', '--secure-channel']),
  withUserPin('pin session', ['pin', 'session', '-o', 'session.pin'], {
    cards: { 'card.json': 'session' },
    creates: ['session.pin'],
    made: (dir) => [{ name: 'session PIN', bytes: fromHex(readFileSync(path.join(dir, 'session.pin'), 'utf8').trim()) }],
  }),
  {
    name: 'keys import (PKCS#12: key file password, share password, PIN)',
    cards: { 'card.json': 'ready' },
    files: ['peer.pbe', 'signer.p12'],
    script: {
      args: [
        'keys',
        'import',
        'signer.p12',
        '--share',
        'peer.pbe',
        ...CARD,
        '--password-env',
        'PW',
        '--p12-password-env',
        'P12',
        '--pin-env',
        'PIN',
      ],
      env: env({ PW: PEER_PASSWORD, P12: P12_PASSWORD, PIN: USER_PIN }),
    },
    json: {
      args: ['keys', 'import', 'signer.p12', '--share', 'peer.pbe', ...CARD, '--password-stdin', '--p12-password-stdin', '--pin', USER_PIN],
      stdin: `${P12_PASSWORD}\n${PEER_PASSWORD}\n`,
    },
    interactive: {
      args: ['keys', 'import', 'signer.p12', '--share', 'peer.pbe', ...CARD],
      answers: [
        ['Password of signer.p12: ', P12_PASSWORD],
        ['Password of peer.pbe: ', PEER_PASSWORD],
        ['User PIN of SmartCard-HSM', USER_PIN],
      ],
    },
    redacted: ['PIN (VERIFY)'],
  },
  {
    name: 'keys import (AES key wrapped under a key-encryption key)',
    cards: { 'card.json': 'ready' },
    files: ['peer.pbe', 'aes.wrapped', 'kek.bin'],
    script: {
      args: [
        'keys',
        'import',
        'aes.wrapped',
        '--kek-file',
        'kek.bin',
        '--share',
        'peer.pbe',
        ...CARD,
        '--password-env',
        'PW',
        '--pin-env',
        'PIN',
      ],
      env: env({ PW: PEER_PASSWORD, PIN: USER_PIN }),
    },
    json: {
      args: [
        'keys',
        'import',
        'aes.wrapped',
        '--kek-file',
        'kek.bin',
        '--share',
        'peer.pbe',
        ...CARD,
        '--password-stdin',
        '--pin',
        USER_PIN,
      ],
      stdin: `${PEER_PASSWORD}\n`,
    },
    interactive: {
      args: ['keys', 'import', 'aes.wrapped', '--kek-file', 'kek.bin', '--share', 'peer.pbe', ...CARD],
      answers: [
        ['Password of peer.pbe: ', PEER_PASSWORD],
        ['User PIN of SmartCard-HSM', USER_PIN],
      ],
    },
    redacted: ['PIN (VERIFY)'],
  },
  withUserPin('keys derive', [
    'keys',
    'derive',
    '--ref',
    '1',
    '--to',
    '3',
    '--param',
    '0a0b0c0d0e0f10111213141516171819',
    '--label',
    'child',
  ]),
  withUserPin('domain create', ['domain', 'create', '--domain', '2', '--shares', '1'], { cards: { 'card.json': 'domains' } }),
  withUserPin('domain clear', ['domain', 'clear', '--domain', '1', '--yes'], { cards: { 'card.json': 'domains' } }),
  {
    name: 'dkek import-share --domain 1 (share password, then the PIN the domain needs)',
    cards: { 'card.json': 'domains' },
    files: ['peer.pbe'],
    script: {
      args: ['dkek', 'import-share', 'peer.pbe', '--domain', '1', ...CARD, '--password-env', 'PW', '--pin-env', 'PIN'],
      env: env({ PW: PEER_PASSWORD, PIN: USER_PIN }),
    },
    json: {
      args: ['dkek', 'import-share', 'peer.pbe', '--domain', '1', ...CARD, '--password-stdin', '--pin', USER_PIN],
      stdin: `${PEER_PASSWORD}\n`,
    },
    interactive: {
      args: ['dkek', 'import-share', 'peer.pbe', '--domain', '1', ...CARD],
      answers: [
        ['Password of peer.pbe: ', PEER_PASSWORD],
        ['User PIN', USER_PIN],
      ],
    },
    redacted: ['DKEK share (IMPORT DKEK SHARE)', 'PIN (VERIFY)'],
  },
  withUserPin('data put (private object)', ['data', 'put', 'msg.txt', '--label', 'audit-data'], { files: ['msg.txt'] }),
  {
    name: 'init --transport-pin',
    cards: { 'card.json': 'fresh' },
    script: {
      args: ['init', ...CARD, '--so-pin-env', 'SO', '--pin-env', 'PIN', '--dkek-shares', '0', '--transport-pin', '--yes'],
      env: env({ SO: SO_PIN, PIN: USER_PIN }),
    },
    json: { args: ['init', ...CARD, '--so-pin', SO_PIN, '--pin', USER_PIN, '--dkek-shares', '0', '--transport-pin', '--yes'] },
    interactive: {
      args: ['init', ...CARD, '--dkek-shares', '0', '--transport-pin', '--yes'],
      answers: [
        ['New SO-PIN (16 hex digits): ', SO_PIN],
        ['Repeat the new SO-PIN (16 hex digits): ', SO_PIN],
        ['New user PIN: ', USER_PIN],
        ['Repeat the new user PIN: ', USER_PIN],
      ],
    },
    redacted: ['user PIN and SO-PIN (INITIALIZE DEVICE data)'],
  },
  {
    name: 'pin change (transport PIN)',
    cards: { 'card.json': 'transport' },
    script: {
      args: ['pin', 'change', ...CARD, '--allow-last-try', '--pin-env', 'PIN', '--new-pin-env', 'NEW'],
      env: env({ PIN: USER_PIN, NEW: NEW_PIN }),
    },
    json: { args: ['pin', 'change', ...CARD, '--allow-last-try', '--pin', USER_PIN, '--new-pin', NEW_PIN] },
    interactive: {
      args: ['pin', 'change', ...CARD, '--allow-last-try'],
      answers: [
        ['Current user PIN: ', USER_PIN],
        ['New user PIN: ', NEW_PIN],
        ['Repeat the new user PIN: ', NEW_PIN],
      ],
    },
    redacted: ['old and new PIN (CHANGE REFERENCE DATA)'],
  },
  {
    // the key holder's user PIN goes to the holder's device only, whatever the mode
    name: "pka auth (the key holder device's user PIN)",
    cards: { 'hsm.json': 'pka', 'holder.json': 'ready' },
    script: {
      args: ['pka', 'auth', '--reader', 'sim:hsm.json', '--with', 'sim:holder.json', '--with-pin-env', 'PIN'],
      env: env({ PIN: USER_PIN }),
    },
    json: {
      args: ['pka', 'auth', '--reader', 'sim:hsm.json', '--with', 'sim:holder.json', '--with-pin-env', 'PIN'],
      env: env({ PIN: USER_PIN }),
    },
    interactive: {
      args: ['pka', 'auth', '--reader', 'sim:hsm.json', '--with', 'sim:holder.json'],
      answers: [['User PIN of the key holder in sim:holder.json: ', USER_PIN]],
    },
  },
  {
    // a foreign log holds the PIN in clear: importing it, also piped in on stdin, must redact it everywhere
    name: 'trace import|show - (a scriptor log with a VERIFY, piped in)',
    write: { 'app.log': scriptorLog() },
    script: { args: ['trace', 'import', '-', '-o', 'app.trace'], stdin: scriptorLog() },
    json: { args: ['trace', 'show', '-'], stdin: scriptorLog() },
    interactive: { args: ['trace', 'import', 'app.log'], answers: [] },
  },
];
