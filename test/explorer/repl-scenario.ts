/**
 * One interactive session of the real REPL on a pseudo-terminal, shared by the simulator test and the
 * pcscd test: prompt, colour, Tab completion (commands, PIN names, FIDs), the hidden PIN prompt, the
 * busy guard and Ctrl-C, history across a restart (Up arrow) without the PIN, NO_COLOR.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { TmuxSession } from './tmux.ts';

export interface ReplScenario {
  /** bin/schsm.js of the build under test (ensureBuilt). */
  readonly bin: string;
  /** Arguments after `explore`, e.g. `--sim` or `--reader 'Virtual PCD 00 01'`. */
  readonly args: string;
  /** The card's user PIN. */
  readonly pin: string;
  /** XDG_STATE_HOME of the run (history, default simulator card). */
  readonly stateHome: string;
  readonly cwd: string;
  /** Text the start-up shows about the card (reader name). */
  readonly cardLine: RegExp;
}

async function typed(s: TmuxSession, expect: RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!expect.test(s.currentLine())) {
    if (Date.now() > deadline) throw new Error(`the input line is ${JSON.stringify(s.currentLine())}, expected ${expect}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

async function firstSession(t: ExecutionContext, o: ReplScenario, env: Record<string, string>): Promise<void> {
  const s = new TmuxSession(`node ${o.bin} explore ${o.args}`, env, o.cwd);
  try {
    const start = await s.waitFor(/schsm \[E82B\/0601\/0401\/81C3\/1F02\/01\]>/);
    t.regex(start, o.cardLine);
    t.regex(start, /type help for the commands/);
    t.true(s.screen(true).includes('\u001b[1mschsm'), 'colour on a terminal');
    s.type('ve');
    s.keys('Tab');
    await typed(s, /> verify$/);
    s.type(' us');
    s.keys('Tab');
    await typed(s, /> verify user$/);
    s.keys('Enter');
    await s.waitFor(/^User PIN: *$/m);
    const shown = occurrences(s.screen(), o.pin); // a new demo card's start-up note names its PIN
    s.type(o.pin);
    await new Promise((r) => setTimeout(r, 300));
    t.is(occurrences(s.screen(), o.pin), shown, 'the PIN typed at the hidden prompt is not echoed');
    t.regex(s.currentLine(), /^User PIN: *$/);
    s.keys('Enter');
    await s.waitFor(/Code correct: user PIN \(0x81, CHV129\) verified\./);
    s.type('cat 2F');
    s.keys('Tab');
    await typed(s, /> cat 2F02$/);
    s.keys('Enter');
    await s.waitFor(/chain: \S+ ← UTDICASIM00001 ← UTSRCASIM00001 \(schsm simulator root, simulated device\): verified/);
    s.type('find');
    s.keys('Enter');
    await new Promise((r) => setTimeout(r, 150));
    s.type('ls');
    s.keys('Enter');
    await s.waitFor(/busy: `find` is still running; wait for it or press Ctrl-C \(input refused\)/);
    s.keys('C-c');
    await s.waitFor(/error: find cancelled/);
    s.type(`verify user ${o.pin}`);
    s.keys('Enter');
    await s.waitFor(/verified \(it was already\)\./);
    s.type('echo marker-1');
    s.keys('Enter');
    await s.waitFor(/^marker-1$/m);
    s.keys('Up');
    await typed(s, /> echo marker-1$/);
    s.keys('Up');
    await typed(s, /> verify user$/);
    t.false(s.currentLine().includes(o.pin), 'Up shows the line without the PIN');
    s.keys('C-u');
    s.type('quit');
    s.keys('Enter');
    await s.waitFor(/\[exit 0\]/);
  } finally {
    s.kill();
  }
}

async function secondSession(t: ExecutionContext, o: ReplScenario, env: Record<string, string>): Promise<void> {
  const s = new TmuxSession(`node ${o.bin} explore ${o.args}`, { ...env, NO_COLOR: '1' }, o.cwd);
  try {
    await s.waitFor(/schsm \[E82B\/0601\/0401\/81C3\/1F02\/01\]>/);
    t.false(s.screen(true).includes('\u001b[1m'), 'NO_COLOR: no colour');
    s.keys('Up');
    await typed(s, /> quit$/);
    s.keys('Up');
    await typed(s, /> echo marker-1$/);
    s.keys('Up');
    await typed(s, /> verify user$/);
    s.keys('C-u');
    s.keys('C-d');
    await s.waitFor(/\[exit 0\]/);
  } finally {
    s.kill();
  }
}

export async function runReplScenario(t: ExecutionContext, o: ReplScenario): Promise<void> {
  const env = { XDG_STATE_HOME: o.stateHome, HOME: o.stateHome, TERM: 'xterm-256color', PATH: process.env.PATH ?? '/usr/bin:/bin' };
  await firstSession(t, o, env);
  const file = path.join(o.stateHome, 'schsm', 'history');
  const history = readFileSync(file, 'utf8');
  t.is(statSync(file).mode & 0o777, 0o600);
  t.false(history.includes(o.pin), 'no PIN in the history file');
  t.deepEqual(history.trim().split('\n'), ['verify user', 'cat 2F02', 'find', 'verify user', 'echo marker-1', 'quit']);
  await secondSession(t, o, env);
}
