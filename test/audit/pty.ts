/**
 * A program on a real pseudo-terminal (tmux) whose whole terminal output is kept: `tmux pipe-pane`
 * copies every byte the pane receives into a log file, attached before the program starts (the shell
 * waits for one Enter first), so nothing printed is missed — not even what scrolls away. Typing is
 * done with tmux send-keys; prompts are awaited by counting their text in the log.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

let counter = 0;

export class PtyRun {
  readonly name: string;
  readonly #log: string;

  /** Start `argv` in `cwd` with exactly `env`; its terminal output goes to `log`. */
  constructor(argv: readonly string[], env: Readonly<Record<string, string>>, cwd: string, log: string) {
    this.name = `schsm-audit-${process.pid}-${++counter}`;
    this.#log = log;
    const vars = Object.entries(env)
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(' ');
    const program = argv.map(shellQuote).join(' ');
    const script = `cd ${shellQuote(cwd)} && IFS= read -r _ && env -i ${vars} ${program}; echo "[exit $?]"; sleep 600`;
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', '160', '-y', '50', script]);
    execFileSync('tmux', ['pipe-pane', '-o', '-t', this.name, `cat >> ${shellQuote(log)}`]);
    execFileSync('tmux', ['send-keys', '-t', this.name, 'Enter']);
  }

  /** Everything the terminal received so far. */
  output(): string {
    return existsSync(this.#log) ? readFileSync(this.#log, 'latin1') : '';
  }

  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Wait until `text` occurs more than `seen` times in the output; returns the new count. */
  async waitFor(text: string, seen: number, timeoutMs = 120_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = this.output().split(text).length - 1;
      if (n > seen) return n;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)} (#${seen + 1}) in:\n${this.output()}`);
      await sleep(50);
    }
  }

  /** Wait for the program to end; returns its exit code. */
  async exit(timeoutMs = 180_000): Promise<number> {
    await this.waitFor('[exit ', 0, timeoutMs);
    return Number(/\[exit (\d+)\]/.exec(this.output())?.[1] ?? -1);
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
