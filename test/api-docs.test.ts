// Issue 13 item 10: the API reference is generated from the doc comments (TypeDoc, `npm run docs:api`,
// config typedoc.json) and builds without a warning: every exported class and function has a doc
// comment (TypeDoc's notDocumented validation, warnings as errors) and every {@link} resolves. Doc
// comments cite only what a user can open: the protocol notes are docs/protocol.md, with their sources.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/package-build.ts';

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

test('npm run docs:api builds the reference without warnings, main classes and functions documented', async (t) => {
  t.timeout(600_000);
  const out = mkdtempSync(path.join(tmpdir(), 'schsm-api-'));
  const typedoc = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const r = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, [typedoc, '--out', out], { cwd: ROOT, timeout: 540_000, maxBuffer: 32 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out: `${stdout}${stderr}` }),
    );
  });
  t.is(r.code, 0, r.out);
  t.notRegex(r.out, /warning/i, r.out);
  const page = (rel: string): string => readFileSync(path.join(out, rel), 'utf8');
  // one module per entry point (schsm, schsm/apdu, schsm/transport, schsm/sim, schsm/trace); a
  // declaration exported by two entry points is documented once, under one of them
  const named = (dir: string, name: string): string => {
    const file = readdirSync(path.join(out, dir)).find((f) => f === `${name}.html` || f.endsWith(`.${name}.html`));
    if (file === undefined) throw new Error(`no page for ${name} in ${dir}/`);
    return page(path.join(dir, file));
  };
  for (const m of ['schsm', 'schsm_apdu', 'schsm_transport', 'schsm_sim', 'schsm_trace'])
    t.true(existsSync(path.join(out, 'modules', `${m}.html`)), `module page of ${m}`);
  t.regex(named('classes', 'SmartCardHsm'), /A session with a SmartCard-HSM over any Transport/);
  t.regex(named('functions', 'openTransport'), /Open the card named by/);
  t.regex(named('functions', 'createSigner'), /The signer for key/);
  t.regex(named('functions', 'watchCards'), /Watch the PC\/SC readers/);
  t.regex(named('classes', 'SimulatedReader'), /A simulated PC\/SC reader/);
  t.regex(named('functions', 'createReplayTransport'), /replay/i);
  t.true(existsSync(path.join(out, 'media', 'protocol.md')), 'the protocol notes travel with the reference');
  t.regex(page('index.html'), /href="media\/protocol\.md"/);
});

test('the protocol notes are in the repository with their sources, and the package ships docs/', (t) => {
  const notes = readFileSync(path.join(ROOT, 'docs', 'protocol.md'), 'utf8');
  t.regex(notes, /^## 0\. Sources and how to read citations$/m);
  t.regex(notes, /OpenSC\/OpenSC/);
  t.regex(notes, /^## 3\. /m);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
  t.true(pkg.files.includes('docs'));
  t.is(pkg.scripts['docs:api'], 'typedoc');
  t.regex(pkg.scripts.prepack ?? '', /typedoc/, 'npm pack builds the reference into docs/api');
});

test('doc comments cite only what a user can open (no internal notes)', (t) => {
  const offending: string[] = [];
  for (const file of walk(path.join(ROOT, 'src'))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((l, i) => {
      if (/sc-hsm-protocol\.md|style\.md|\bbrief\b|§ ?brief|\.\.\/shared\//.test(l))
        offending.push(`${path.relative(ROOT, file)}:${i + 1}: ${l.trim()}`);
    });
  }
  t.deepEqual(offending, []);
});
