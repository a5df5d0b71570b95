// The layering rule of style.md, enforced: imports flow down transport ← apdu ← card ← explorer/cli,
// sim/ and trace/ plug into the transport seam only, and sim/ never imports card/ (so the simulator
// stays an independent check of the driver).
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

const ALLOWED: Record<string, { layers: string[]; packages: RegExp }> = {
  transport: { layers: ['transport'], packages: /^(node:|pcsclite$|sockopt$)/ },
  apdu: { layers: ['apdu', 'transport'], packages: /^(node:)/ },
  card: { layers: ['card', 'apdu', 'transport'], packages: /^(node:)/ },
  sim: { layers: ['sim', 'apdu', 'transport'], packages: /^(node:|sockopt$)/ },
  trace: { layers: ['trace', 'apdu', 'transport'], packages: /^(node:)/ },
  // the one transport factory: picks PC/SC, the simulator or a replay (each imported only when named)
  open: { layers: ['open', 'transport', 'sim', 'trace'], packages: /^(node:)/ },
  explorer: { layers: ['explorer', 'card', 'apdu', 'trace', 'transport'], packages: /^(node:)/ },
  cli: {
    layers: ['cli', 'explorer', 'card', 'apdu', 'trace', 'transport', 'sim', 'open'],
    packages: /^(node:|yargs(\/.*)?$|get-east-asian-width$)/,
  },
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3]) as string);
  return out;
}

test('every import respects the layer rules', (t) => {
  const violations: string[] = [];
  for (const file of walk(root)) {
    const rel = path.relative(root, file);
    const layer = rel.includes(path.sep) ? rel.split(path.sep)[0]! : 'index';
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(file), spec));
        const targetLayer = target.includes(path.sep) ? target.split(path.sep)[0]! : 'index';
        if (layer === 'index') {
          if (targetLayer === 'cli' || targetLayer === 'explorer')
            violations.push(`${rel} → ${spec} (the library entry must not expose ${targetLayer}/)`);
          continue;
        }
        const rule = ALLOWED[layer];
        if (rule !== undefined && !rule.layers.includes(targetLayer))
          violations.push(`${rel} → ${spec} (${layer}/ may not import ${targetLayer}/)`);
      } else if (layer !== 'index') {
        const rule = ALLOWED[layer];
        if (rule !== undefined && !rule.packages.test(spec)) violations.push(`${rel} → package ${spec} (not allowed in ${layer}/)`);
      }
    }
  }
  t.deepEqual(violations, []);
});

test('the layer checker sees imports (self-check on a known file)', (t) => {
  const imports = importsOf(path.join(root, 'apdu', 'channel.ts'));
  t.true(imports.includes('../transport/transport.ts'));
  t.true(imports.includes('./command.ts'));
});
