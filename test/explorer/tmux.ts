/**
 * Drive the real `node bin/schsm.js explore` on a pseudo-terminal with tmux: start it in a detached
 * session, send keys, read the screen, wait for text. And build dist/ first (once at a time across
 * ava's processes, skipped when dist is newer than every source file).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function newest(dir: string): number {
  let max = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    max = Math.max(max, st.isDirectory() ? newest(p) : name.endsWith('.ts') ? st.mtimeMs : 0);
  }
  return max;
}

function distTime(): number {
  try {
    return statSync(path.join(ROOT, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    return 0;
  }
}

/** `npm run build` unless dist is up to date; serialised across processes with a lock directory. */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(tmpdir(), 'schsm-explorer-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`build lock ${lock} held for 3 minutes (remove it if stale)`);
      await sleep(250);
    }
  }
  try {
    if (distTime() > newest(path.join(ROOT, 'src'))) return;
    await new Promise<void>((resolve, reject) => {
      execFile('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, maxBuffer: 16 << 20 }, (err, stdout) => (err === null ? resolve() : reject(new Error(`npm run build failed:\n${stdout}`))));
    });
  } finally {
    rmdirSync(lock);
  }
}

/** Is tmux installed? */
export function tmuxMissing(): string | undefined {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed';
  }
}

let counter = 0;

/** One tmux session running a command in a 140×50 terminal. */
export class TmuxSession {
  readonly name: string;

  constructor(command: string, env: Readonly<Record<string, string>>, cwd: string) {
    this.name = `schsm-explorer-${process.pid}-${++counter}`;
    const exports = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    // Keep the pane after the program exits so its last words can be read.
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', '140', '-y', '50', `cd ${shellQuote(cwd)} && env ${exports} ${command}; echo "[exit $?]"; sleep 600`]);
  }

  /** Send keys (tmux key names like Enter, Tab, Up, C-c, or literal text with `literal`). */
  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Type text literally (no key-name interpretation). */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  /** The visible screen plus scrollback; with `escapes`, colour sequences included. */
  screen(escapes = false): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-S', '-200', '-t', this.name], { encoding: 'utf8' });
  }

  /** Wait until the screen matches (polling); returns the screen. */
  async waitFor(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${re} on the screen:\n${s}`);
      await sleep(100);
    }
  }

  /** The line the cursor is on (the prompt and what was typed). */
  currentLine(): string {
    const y = Number(execFileSync('tmux', ['display-message', '-p', '-t', this.name, '#{cursor_y}'], { encoding: 'utf8' }).trim());
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' }).split('\n')[y] ?? '';
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
