/**
 * Running one audit row in one mode with the real program (bin/schsm.js of a private build), and
 * collecting everything it left: stdout, stderr or the whole terminal output, and every file in its
 * directory (trace, history, signature, wrapped key, state…).
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Templates } from './cards.ts';
import { PtyRun } from './pty.ts';
import type { ExplorerRow } from './explorer-rows.ts';
import type { Answer, CliRow } from './rows.ts';

export type Mode = 'script' | 'json' | 'interactive';

/** What a run left behind. */
export interface RunOutput {
  readonly code: number;
  readonly dir: string;
  /** Streams: stdout and stderr, or `terminal` (everything the pseudo-terminal showed). */
  readonly streams: Readonly<Record<string, string>>;
  /** Files written meant to hold secrets, or put there by the test as input: not searched, modes checked. */
  readonly secretFiles: readonly string[];
  /** Lines the test typed on a terminal (their echo is the user's own typing, not schsm's output). */
  readonly typed: readonly string[];
}

/** Global flags of every run: record, log every APDU. */
export const RECORD = 'audit.trace';

function runDir(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-audit-'));
  mkdirSync(path.join(dir, 'home'));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(dir, 'home'),
    XDG_STATE_HOME: path.join(dir, 'state'),
    DEBUG: 'schsm:*',
    TERM: 'xterm-256color',
  };
  return { dir, env };
}

/** Copy the cards and input files in, mode 0600 as a careful user keeps them (schsm must keep it so). */
function place(dir: string, t: Templates, cards: Readonly<Record<string, string>>, files: readonly string[]): void {
  const copy = (from: string, name: string): void => {
    copyFileSync(from, path.join(dir, name));
    chmodSync(path.join(dir, name), 0o600);
  };
  for (const [name, card] of Object.entries(cards)) copy(t.cards[card as keyof Templates['cards']], name);
  for (const f of files) copy(t.files[f] ?? '', f);
}

function spawnCaptured(
  argv: readonly string[],
  env: Record<string, string>,
  cwd: string,
  stdin: string,
): Promise<{ stdout: string; stderr: string; code: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] ?? '', argv.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code: String(code) }));
    child.stdin.end(stdin);
  });
}

/** On a pseudo-terminal: answer each prompt (waited for by its text, counting repeats). */
async function answerAll(pty: PtyRun, answers: readonly Answer[], seen: Map<string, number>): Promise<void> {
  for (const [prompt, answer] of answers) {
    seen.set(prompt, await pty.waitFor(prompt, seen.get(prompt) ?? 0));
    pty.type(answer);
    pty.keys('Enter');
  }
}

export async function runCliRow(bin: string, t: Templates, row: CliRow, mode: Mode): Promise<RunOutput> {
  const { dir, env } = runDir();
  place(dir, t, row.cards ?? {}, row.files ?? []);
  for (const [name, text] of Object.entries(row.write ?? {})) writeFileSync(path.join(dir, name), text, { mode: 0o600 });
  const secretFiles = [...Object.keys(row.cards ?? {}), ...(row.files ?? []), ...Object.keys(row.write ?? {}), ...(row.creates ?? [])];
  const flags = ['--record', RECORD, '-vv', ...(mode === 'json' ? ['--json'] : [])];
  if (mode !== 'interactive') {
    const feed = mode === 'json' ? row.json : row.script;
    const r = await spawnCaptured([process.execPath, bin, ...feed.args, ...flags], { ...env, ...feed.env }, dir, feed.stdin ?? '');
    return { code: Number(r.code), dir, streams: { stdout: r.stdout, stderr: r.stderr }, secretFiles, typed: [] };
  }
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-audit-pty-')), 'terminal.log');
  const pty = new PtyRun([process.execPath, bin, ...row.interactive.args, ...flags], env, dir, log);
  try {
    await answerAll(pty, row.interactive.answers, new Map());
    const code = await pty.exit();
    return { code, dir, streams: { terminal: pty.output() }, secretFiles, typed: [] };
  } finally {
    pty.kill();
  }
}

const PROMPT = ']> ';

export async function runExplorerRow(bin: string, t: Templates, row: ExplorerRow, mode: 'script' | 'interactive'): Promise<RunOutput> {
  const { dir, env } = runDir();
  place(dir, t, { 'card.json': row.card }, row.files ?? []);
  const secretFiles = ['card.json', ...(row.files ?? [])];
  const base = ['explore', '--sim-state', 'card.json', '--record', RECORD];
  if (mode === 'script') {
    writeFileSync(path.join(dir, 'lines.txt'), `${(row.script ?? []).join('\n')}\n`, { mode: 0o600 });
    const args = [...base, '--script', 'lines.txt', '-vv', ...(row.failing === true ? ['--keep-going'] : [])];
    const r = await spawnCaptured([process.execPath, bin, ...args], { ...env, ...row.env }, dir, '');
    return {
      code: Number(r.code),
      dir,
      streams: { stdout: r.stdout, stderr: r.stderr },
      secretFiles: [...secretFiles, 'lines.txt'],
      typed: [],
    };
  }
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-audit-pty-')), 'terminal.log');
  const pty = new PtyRun([process.execPath, bin, ...base, '-v'], { ...env, ...row.env }, dir, log);
  try {
    let prompts = await pty.waitFor(PROMPT, 0);
    const seen = new Map<string, number>();
    for (const step of [...row.interactive, { line: 'quit' }]) {
      pty.type(step.line);
      pty.keys('Enter');
      await answerAll(pty, step.answers ?? [], seen);
      if (step.line !== 'quit') prompts = await pty.waitFor(PROMPT, prompts);
    }
    const code = await pty.exit();
    return { code, dir, streams: { terminal: pty.output() }, secretFiles, typed: row.interactive.map((s) => s.line) };
  } finally {
    pty.kill();
  }
}

/** Every file under `dir` (relative paths), with its mode. */
export function filesIn(dir: string, rel = ''): Array<{ path: string; mode: number }> {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const p = path.join(rel, name);
    const st = statSync(path.join(dir, p));
    return st.isDirectory() ? filesIn(dir, p) : [{ path: p, mode: st.mode & 0o777 }];
  });
}

export function readText(dir: string, rel: string): string {
  return readFileSync(path.join(dir, rel), 'latin1');
}
