// THE SECRETS AUDIT (issue 9, "A standing safety audit in the suite"). A command added later that takes
// a secret needs ONE ROW in test/audit/rows.ts (CLI) or test/audit/explorer-rows.ts and nothing else.
//
// Every CLI command and explorer line that takes a secret (PINs, SO-PINs, DKEK share passwords,
// threshold password shares, raw secret APDUs) is run with the real program, with --record, -vv and
// DEBUG=schsm:*, in script mode (secrets from the environment, stdin or a --script file), with --json
// (literal --pin-style flags where the command has them), and interactively on a pseudo-terminal
// (tmux; the explorer with its history file on). Everything each run leaves — stdout, stderr, the
// whole terminal output, the trace, the history, every other file in its directory — is searched for
// every secret of cards.ts in every encoding (test/helpers/secrets.ts: ASCII, hex upper and lower,
// spaced and colon hex, base64 at all three alignments, decimal bytes; and the hex and decimal forms
// of every 6-byte piece, so a half-masked secret is caught too). Expected hits: 0. Files whose
// purpose is to hold secrets (simulator state, share files, the user's own input files) are not
// searched but must be mode 0600. The secrets are distinctive, so a hit is never chance.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tmuxMissing } from '../explorer/tmux.ts';
import { buildPackage } from '../helpers/package-build.ts';
import { encodingsIn, partialEncodings, secretEncodings, type SecretEncoding } from '../helpers/secrets.ts';
import { type AuditSecret, buildTemplates, lateSecrets, SECRETS, type Templates } from './cards.ts';
import { EXPLORER_ROWS } from './explorer-rows.ts';
import { CLI_ROWS } from './rows.ts';
import { filesIn, readText, RECORD, runCliRow, runExplorerRow, type Mode, type RunOutput } from './run.ts';

const FORMS: ReadonlyArray<{ readonly secret: string; readonly forms: readonly SecretEncoding[] }> = SECRETS.map((s) => ({
  secret: s.name,
  forms: [...secretEncodings(s.bytes), ...partialEncodings(s.bytes)],
}));
const ENCODINGS = FORMS.reduce((n, f) => n + f.forms.length, 0);

/** Figures for the closing report, printed once at the end. */
const figures = { runs: 0, texts: 0, bytes: 0, checks: 0, hits: 0, protectedFiles: 0 };

let setup: Promise<{ bin: string; templates: Templates }> | undefined;
function ready(): Promise<{ bin: string; templates: Templates }> {
  setup ??= (async () => {
    const [pkg, templates] = await Promise.all([buildPackage(), buildTemplates(mkdtempSync(path.join(tmpdir(), 'schsm-audit-cards-')))]);
    return { bin: path.join(pkg, 'bin', 'schsm.js'), templates };
  })();
  return setup;
}

/** At most two runs at a time (two cores; DKEK share derivations take seconds each). */
let running = 0;
const queue: Array<() => void> = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => queue.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    queue.shift()?.();
  }
}

function ttyAvailable(t: import('ava').ExecutionContext): boolean {
  const missing = tmuxMissing();
  if (missing === undefined) return true;
  if (process.env.CI !== undefined && process.env.CI !== '') t.fail(`CI must provide tmux: ${missing}`);
  else t.pass(`SKIPPED (not in CI): ${missing}`);
  return false;
}

/** Search everything the run left (for the secrets of cards.ts and those it `made`); check the modes of the secret files. */
function audit(t: import('ava').ExecutionContext, r: RunOutput, redacted: readonly string[], made: readonly AuditSecret[] = []): void {
  const all = [
    ...FORMS,
    ...[...made, ...lateSecrets()].map((s) => ({ secret: s.name, forms: [...secretEncodings(s.bytes), ...partialEncodings(s.bytes)] })),
  ];
  const texts: Record<string, string> = {};
  for (const [name, text] of Object.entries(r.streams)) texts[name] = r.typed.reduce((s, line) => s.split(line).join(''), text);
  for (const f of filesIn(r.dir)) {
    const secretFile = r.secretFiles.includes(f.path) || f.path.endsWith('.pbe') || f.path === path.join('state', 'schsm', 'sim.json');
    if (secretFile) {
      t.is(f.mode, 0o600, `${f.path} holds secrets: mode 0600`);
      figures.protectedFiles++;
    } else texts[f.path] = readText(r.dir, f.path);
  }
  for (const [where, text] of Object.entries(texts)) {
    for (const { secret, forms } of all) {
      const found = encodingsIn(text, forms);
      figures.hits += found.length;
      t.deepEqual(found, [], `${secret} in ${where}`);
    }
    figures.texts++;
    figures.bytes += text.length;
    figures.checks += all.reduce((n, f) => n + f.forms.length, 0);
  }
  if (redacted.length > 0) {
    const trace = texts[RECORD] ?? '';
    for (const what of redacted)
      t.true(trace.includes(`redacted: ${what}`) || trace.includes(`, ${what}`), `the trace shows ${what} masked`);
  }
  figures.runs++;
}

for (const row of CLI_ROWS)
  for (const mode of ['script', 'json', 'interactive'] as const satisfies readonly Mode[])
    test(`${row.name} (${mode})`, async (t) => {
      if (mode === 'interactive' && !ttyAvailable(t)) return;
      const { bin, templates } = await ready();
      const r = await limited(() => runCliRow(bin, templates, row, mode));
      t.is(r.code, row.code ?? 0, JSON.stringify(r.streams).slice(0, 3000));
      audit(t, r, row.redacted ?? [], row.made?.(r.dir) ?? []);
    });

for (const row of EXPLORER_ROWS)
  for (const mode of ['script', 'interactive'] as const)
    if (mode === 'interactive' || row.script !== undefined)
      test(`${row.name} (${mode})`, async (t) => {
        if (mode === 'interactive' && !ttyAvailable(t)) return;
        const { bin, templates } = await ready();
        const r = await limited(() => runExplorerRow(bin, templates, row, mode));
        t.is(r.code, mode === 'script' && row.failing === true ? 1 : 0, JSON.stringify(r.streams).slice(0, 3000));
        if (mode === 'interactive')
          t.true(
            filesIn(r.dir).some((f) => f.path === path.join('state', 'schsm', 'history')),
            'the history file was written',
          );
        audit(t, r, row.redacted ?? []);
      });

test.after.always(() => {
  console.log(
    `secrets audit: ${figures.runs} runs (${CLI_ROWS.length} CLI rows × 3 modes, ${EXPLORER_ROWS.length} explorer rows × script/interactive), ` +
      `${figures.texts} outputs and files searched (${figures.bytes} characters), ${SECRETS.length} secrets in ${ENCODINGS} encoded forms, ` +
      `${figures.checks} searches, ${figures.hits} hits; ${figures.protectedFiles} secret files checked 0600`,
  );
});
