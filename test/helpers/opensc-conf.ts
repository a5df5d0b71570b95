/**
 * Confine OpenSC's tools to one reader: a private opensc.conf (OPENSC_CONF) whose `ignored_readers`
 * names every other reader pcscd reports, with file caching off. OpenSC then neither connects to nor
 * SELECTs the cards of other tests, and its reader index 0 is ours.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listReaders } from '../../src/transport/pcsc.ts';

/** The environment for OpenSC tools that should see only `readerNames`. */
export async function openscOnly(readerNames: readonly string[]): Promise<NodeJS.ProcessEnv> {
  const others = (await listReaders({ timeoutMs: 3000 })).map((r) => r.name).filter((n) => !readerNames.includes(n));
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-opensc-'));
  const file = path.join(dir, 'opensc.conf');
  const ignored = others.length === 0 ? '' : `  ignored_readers = ${others.map((n) => JSON.stringify(n)).join(', ')};\n`;
  writeFileSync(file, `app default {\n${ignored}  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n`);
  return { ...process.env, OPENSC_CONF: file };
}
