// `schsm --help` loads only what it needs: the static import graph from the CLI bundle's entry
// (bin.ts: main.ts, default-context.ts) must not reach the card layer, the trace importers, the
// simulator, PC/SC, the `debug` package or the completion/man-page generators; command logic (run*.ts)
// comes in by `await import()` when a command runs (scripts/build.mjs puts it in chunks of its own).
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Static imports only (`import … from`, `export … from`, `import '…'`), not `import()`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const re = /^(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm;
  return [...text.matchAll(re)].map((m) => (m[1] ?? m[2]) as string);
}

function eagerGraph(entries: readonly string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = entries.map((e) => path.join(src, e));
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (files.has(f)) continue;
    files.add(f);
    for (const spec of staticImports(f)) {
      if (spec.startsWith('.')) todo.push(path.resolve(path.dirname(f), spec));
      else packages.add(spec);
    }
  }
  return { files, packages };
}

test('schsm --help: no card layer, trace importers, simulator, PC/SC or debug in the eager import graph', (t) => {
  const { files, packages } = eagerGraph(['cli/bin.ts']);
  const rel = [...files].map((f) => path.relative(src, f).split(path.sep).join('/'));
  t.true(rel.includes('cli/commands/keys/command.ts'), 'the walk reaches the command modules');
  t.true(rel.includes('cli/default-context.ts') && rel.includes('cli/main.ts'), 'and both halves of the entry');
  t.deepEqual(
    rel.filter(
      (f) =>
        /^(card|sim|trace|apdu)\//.test(f) ||
        /\/run[^/]*\.ts$/.test(f) ||
        f === 'transport/pcsc.ts' ||
        f.startsWith('cli/reference/') ||
        /^cli\/commands\/completion\/(?!command\.ts)/.test(f),
    ),
    [],
  );
  t.deepEqual(
    [...packages].filter((p) => p !== 'yargs' && !p.startsWith('node:')),
    [],
  );
});
