// The one secret-file writer (transport/secret-file.ts): mode 0600, never overwrite unless forced (and
// then 0600 again), atomic replace for the simulator's state, the caller's own "exists" refusal.
import test from 'ava';
import { chmodSync, closeSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileExistsError } from '../../src/transport/errors.ts';
import { openNewSecretFile, writeSecretFile } from '../../src/transport/secret-file.ts';

const dir = (): string => mkdtempSync(path.join(tmpdir(), 'schsm-secret-'));
const mode = (file: string): number => statSync(file).mode & 0o777;

/** A file someone else made world-readable, holding "old". */
function publicFile(d: string, name: string): string {
  const file = path.join(d, name);
  writeFileSync(file, 'old');
  chmodSync(file, 0o644);
  return file;
}

for (const atomic of [false, true]) {
  const how = atomic ? 'atomic' : 'in place';

  test(`writeSecretFile (${how}): a new file gets the bytes and mode 0600`, async (t) => {
    const file = path.join(dir(), 'share.pbe');
    await writeSecretFile(file, Uint8Array.of(0x53, 0x61, 0x6c, 0x74), { atomic });
    t.is(readFileSync(file, 'latin1'), 'Salt');
    t.is(mode(file), 0o600);
  });

  test(`writeSecretFile (${how}): an existing file is refused with FileExistsError and left alone`, async (t) => {
    const d = dir();
    const file = publicFile(d, 'key.wrapped');
    const err = await t.throwsAsync(writeSecretFile(file, 'new', { atomic }), { instanceOf: FileExistsError });
    t.is(err?.code, 'ERR_SCHSM_EXISTS');
    t.is(err?.path, file);
    t.is(readFileSync(file, 'utf8'), 'old');
    t.is(mode(file), 0o644);
    t.deepEqual(readdirSync(d), ['key.wrapped'], 'no temporary file left behind');
  });

  test(`writeSecretFile (${how}): the caller's refusal is thrown, with its words`, async (t) => {
    const file = publicFile(dir(), 'CF10.bin');
    const exists = (): FileExistsError => new FileExistsError('CF10.bin', 'the explorer does not overwrite files');
    await t.throwsAsync(writeSecretFile(file, 'new', { atomic, exists }), {
      instanceOf: FileExistsError,
      message: 'CF10.bin already exists; the explorer does not overwrite files',
    });
  });

  test(`writeSecretFile (${how}): force replaces the content and resets the mode to 0600`, async (t) => {
    const d = dir();
    const file = publicFile(d, 'sim.json');
    await writeSecretFile(file, 'new', { atomic, force: true });
    t.is(readFileSync(file, 'utf8'), 'new');
    t.is(mode(file), 0o600);
    t.deepEqual(readdirSync(d), ['sim.json'], 'no temporary file left behind');
  });
}

test('writeSecretFile: other failures are the system error (a missing directory is ENOENT)', async (t) => {
  const file = path.join(dir(), 'no-such-dir', 'x.bin');
  for (const atomic of [false, true]) {
    const err = await t.throwsAsync(writeSecretFile(file, 'x', { atomic }));
    t.is((err as NodeJS.ErrnoException).code, 'ENOENT');
    t.false(err instanceof FileExistsError);
  }
});

test('openNewSecretFile: a 0600 descriptor for a new file; refuses an existing one; force truncates and resets 0600', (t) => {
  const d = dir();
  const file = path.join(d, 'a.trace');
  const fd = openNewSecretFile(file);
  writeSync(fd, '=> 00A40400\n');
  closeSync(fd);
  t.is(mode(file), 0o600);
  t.throws(() => openNewSecretFile(file), { instanceOf: FileExistsError });
  t.is(readFileSync(file, 'utf8'), '=> 00A40400\n');
  const other = publicFile(d, 'b.trace');
  closeSync(openNewSecretFile(other, { force: true }));
  t.is(readFileSync(other, 'utf8'), '');
  t.is(mode(other), 0o600);
});
