/**
 * Drive the real `node bin/schsm.js explore` on a pseudo-terminal with tmux: start it in a detached
 * session, send keys, read the screen, wait for text. The program is built first (`ensureBuilt`).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { buildPackage, ROOT } from '../helpers/package-build.ts';

export { ROOT };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Build the program into a private package directory; returns the path of its bin/schsm.js. */
export async function ensureBuilt(): Promise<string> {
  return path.join(await buildPackage(), 'bin', 'schsm.js');
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
    const exports = Object.entries(env)
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(' ');
    // Keep the pane after the program exits so its last words can be read.
    execFileSync('tmux', [
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      '140',
      '-y',
      '50',
      `cd ${shellQuote(cwd)} && env ${exports} ${command}; echo "[exit $?]"; sleep 600`,
    ]);
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
    return execFileSync('tmux', ['capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-S', '-200', '-t', this.name], {
      encoding: 'utf8',
    });
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
