import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../../exit-codes.ts';

/**
 * The private directory an application is run from under pcsc-lite's spy library (libpcscspy.so.0).
 *
 * How the spy is put in place without touching the system (pcsc-lite 1.9 `src/spy/libpcscspy.c` and
 * its `install_spy.sh`): the application loads `libpcsclite.so.1`; with LD_LIBRARY_PATH naming this
 * directory it finds a symlink there to the spy library. The spy first dlopens
 * `libpcsclite_nospy.so.1` (a symlink here to the real library) and passes every call on to it, and at
 * the first SCardEstablishContext opens `$HOME/pcsc-spy` for writing, where it logs every call (the
 * format: trace/capture/spy-protocol.ts). So HOME is this directory too, and `pcsc-spy` is a FIFO that
 * schsm reads. The directory is mode 0700 (mkdtemp), the FIFO 0600. So that the application still
 * finds its settings (a browser's profile and NSS database naming the PKCS#11 module, ~/.config…),
 * every entry of the user's own HOME is linked into the directory (except the names used here).
 * `remove()` deletes the directory: the links themselves, never what they point to, and whatever new
 * entry the application created at the top of its HOME.
 */

export interface SpyLibraries {
  /** libpcscspy.so.0 */
  readonly spy: string;
  /** The real libpcsclite.so.1 (or libpcsclite_nospy.so.1 where install_spy.sh was run). */
  readonly real: string;
}

export interface SpyDir {
  readonly dir: string;
  readonly fifo: string;
  /** The application's environment: `base` with HOME and LD_LIBRARY_PATH pointing here. */
  env(base: Readonly<Record<string, string | undefined>>): Record<string, string>;
  remove(): void;
}

/** Entries of the user's HOME linked at most (a HOME is not expected to hold more at its top). */
const MAX_HOME_ENTRIES = 10_000;
const OWN_NAMES = new Set(['pcsc-spy', 'libpcsclite.so.1', 'libpcsclite_nospy.so.1']);

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib64', '/lib'];

/** The linker cache's tag for this machine's libraries (`libc6,x86-64`). */
const ARCH_TAG: Readonly<Record<string, string>> = { x64: 'x86-64', arm64: 'AArch64' };

/** Where the dynamic linker's cache says `name` is (this machine's architecture), else the first standard directory holding it. */
function locate(name: string, cache: string): string | undefined {
  const tag = ARCH_TAG[process.arch];
  for (const l of cache.split('\n')) {
    const m = /^\s*(\S+) \(([^)]*)\) => (\S+)$/.exec(l);
    if (m?.[1] === name && (tag === undefined || m[2]?.includes(tag) === true) && m[3] !== undefined && existsSync(m[3])) return m[3];
  }
  return LIB_DIRS.map((d) => path.join(d, name)).find((f) => existsSync(f));
}

function linkerCache(): string {
  for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    try {
      return execFileSync(ldconfig, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    } catch {
      // next candidate; without a cache the standard directories are searched
    }
  }
  return '';
}

/** Find the spy library (or take `spyLibrary`) and the real PC/SC library it forwards to. */
export function findSpyLibraries(spyLibrary?: string): SpyLibraries {
  const cache = linkerCache();
  const spy = spyLibrary ?? locate('libpcscspy.so.0', cache);
  if (spy === undefined || !existsSync(spy))
    throw new UsageError(
      spyLibrary === undefined ? "pcsc-lite's spy library libpcscspy.so.0 was not found" : `no such file: ${spyLibrary} (--spy-library)`,
      'it comes with pcsc-lite (Debian/Ubuntu: package libpcsclite-dev); or name it with --spy-library',
    );
  const real = locate('libpcsclite_nospy.so.1', cache) ?? locate('libpcsclite.so.1', cache);
  if (real === undefined)
    throw new UsageError('the PC/SC library libpcsclite.so.1 was not found', 'install pcsc-lite (Debian/Ubuntu: libpcsclite1)');
  if (realpathSync(real) === realpathSync(spy))
    throw new UsageError(
      `${real} is the spy library itself (pcsc-lite's install_spy.sh was run) and no libpcsclite_nospy.so.1 was found`,
      "run pcsc-lite's uninstall_spy.sh, or restore libpcsclite_nospy.so.1",
    );
  return { spy, real };
}

/** Link the entries of `home` into `dir` (best effort: an entry that cannot be linked is left out). */
function mirrorHome(home: string | undefined, dir: string): void {
  if (home === undefined || home === '' || !existsSync(home) || !statSync(home).isDirectory()) return;
  let names: string[];
  try {
    names = readdirSync(home).slice(0, MAX_HOME_ENTRIES);
  } catch {
    return;
  }
  for (const name of names) {
    if (OWN_NAMES.has(name)) continue;
    try {
      symlinkSync(path.join(home, name), path.join(dir, name));
    } catch {
      // left out
    }
  }
}

/** Make the private directory: the two library links, the FIFO, and links to the entries of `home`. */
export function createSpyDir(libs: SpyLibraries, home?: string): SpyDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-capture-'));
  const fifo = path.join(dir, 'pcsc-spy');
  try {
    symlinkSync(libs.spy, path.join(dir, 'libpcsclite.so.1'));
    symlinkSync(libs.real, path.join(dir, 'libpcsclite_nospy.so.1'));
    execFileSync('mkfifo', ['-m', '600', fifo], { stdio: 'ignore', timeout: 5000 });
    mirrorHome(home, dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new UsageError(`cannot prepare the spy directory ${dir}: ${(error as Error).message}`);
  }
  return {
    dir,
    fifo,
    env: (base) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
      env.HOME = dir;
      env.LD_LIBRARY_PATH = base.LD_LIBRARY_PATH === undefined || base.LD_LIBRARY_PATH === '' ? dir : `${dir}:${base.LD_LIBRARY_PATH}`;
      return env;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
