// Child process of crash-save.test.ts (run: node --import tsx <this file> <state file> hang|loop).
// Opens the simulator state file and saves it over and over, so the parent can kill it with SIGKILL
// in the middle of an atomic save. `hang`: the first save stops for good right after its temporary
// file is completely written (FileHandle.sync never returns; "SYNC" is printed first), so the kill
// lands exactly mid-save. `loop`: saves run on without pause ("SAVING" is printed once), and the
// parent kills at an arbitrary moment.
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSimulator, saveSimulator } from '../../src/sim/persist.ts';

const [file = '', mode = 'loop'] = process.argv.slice(2);
if (mode === 'hang') {
  const probe = await open(path.join(tmpdir(), `schsm-probe-${process.pid}`), 'w');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  proto.sync = () => {
    process.stdout.write('SYNC\n');
    return new Promise<void>(() => undefined);
  };
}
const sim = await loadSimulator(file);
if (sim === undefined) throw new Error(`no state in ${file}`);
process.stdout.write('SAVING\n');
for (;;) await saveSimulator(sim, file);
