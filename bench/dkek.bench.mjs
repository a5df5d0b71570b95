// DKEK share file key derivation (§8.2: EVP_BytesToKey md5, count 10 000 000, three MD5 chains):
// schsm vs a straightforward node:crypto loop vs sc-hsm-tool --create-dkek-share, all measured in
// this run. sc-hsm-tool needs a card: it runs against schsm's simulator served to pcscd through vpcd.
// Imports ../dist (built by `npm run bench`). Run alone: `npm run build && node bench/dkek.bench.mjs`.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotMeasured, target } from './lib/figures.mjs';

const ROUNDS = 10_000_000;
const COMPRESSIONS = 3 * (ROUNDS - 1);
const NAIVE_ROUNDS = 1_000_000;
const PASSWORD = 'Bench-Pass-1';

const seconds = (ms) => (ms / 1000).toFixed(2);

function run(cmd, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve(stdout),
    );
  });
}

/** schsm's derivation as the CLI runs it (async, slices with event-loop yields). */
async function timeSchsm(formats) {
  const salt = new Uint8Array(randomBytes(8));
  const t0 = performance.now();
  await formats.evpBytesToKey(PASSWORD, salt, ROUNDS);
  return performance.now() - t0;
}

/** A plain node:crypto md5 loop: NAIVE_ROUNDS re-hashes, extrapolated to the 3 chains. */
function timeNaive() {
  let d = createHash('md5').update(PASSWORD).digest();
  const t0 = performance.now();
  for (let i = 0; i < NAIVE_ROUNDS; i++) d = createHash('md5').update(d).digest();
  return ((performance.now() - t0) * COMPRESSIONS) / NAIVE_ROUNDS;
}

/**
 * Serve a fresh simulator on both vpcd slots at once and keep the first one pcscd polls (other virtual
 * cards may hold a slot for a while); the other connection is closed.
 */
async function serveSimulator(sim, vpcd, waitMs = 60_000) {
  const handles = [];
  const polled = new Promise((resolve) => {
    for (const port of [vpcd.VPCD.PORT, vpcd.VPCD.PORT + 1]) {
      const handle = vpcd.serveVpcd(new sim.SmartCardHsmSimulator(), {
        port,
        onEvent: (e) => {
          if (e.kind === 'atr' || e.kind === 'power-on') resolve(handle);
        },
      });
      handles.push(handle);
    }
    setTimeout(() => resolve(undefined), waitMs);
  });
  const winner = await polled;
  await Promise.all(handles.filter((h) => h !== winner).map((h) => h.close()));
  return winner;
}

/** sc-hsm-tool --create-dkek-share against the simulator; returns ms or a reason it could not run. */
async function timeScHsmTool(formats) {
  let sim;
  let vpcd;
  try {
    sim = await import('../dist/sim/index.js');
    vpcd = await import('../dist/sim/vpcd.js');
  } catch (err) {
    return { skipped: `simulator not built (${err.code ?? err.message})` };
  }
  try {
    await run('sc-hsm-tool', ['--help'], 10_000).catch((err) => {
      if (err.code === 'ENOENT') throw err;
    });
  } catch {
    return { skipped: 'sc-hsm-tool is not installed' };
  }
  const handle = await serveSimulator(sim, vpcd);
  if (handle === undefined) return { skipped: 'no free vpcd slot polled by pcscd (is pcscd running? other virtual cards connected?)' };
  const dir = await mkdtemp(path.join(tmpdir(), 'schsm-bench-'));
  try {
    const reader = handle.readerName;
    await run(
      'sc-hsm-tool',
      ['-r', reader, '--initialize', '--so-pin', '3537363231383830', '--pin', '648219', '--dkek-shares', '1'],
      60_000,
    );
    const file = path.join(dir, 'bench.pbe');
    const t0 = performance.now();
    await run('sc-hsm-tool', ['-r', reader, '--create-dkek-share', file, '--password', PASSWORD], 120_000);
    const ms = performance.now() - t0;
    const share = await formats.decryptDkekShare(new Uint8Array(await readFile(file)), PASSWORD);
    return { ms, reader, readBack: share.length === 32 };
  } catch (err) {
    return { skipped: `sc-hsm-tool failed: ${(err.stderr || err.message || String(err)).trim().split('\n')[0]}` };
  } finally {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export default async function dkekBench(options = {}) {
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const formats = await import('../dist/card/formats/index.js');
  log('# DKEK share key derivation: EVP_BytesToKey(aes-256-cbc, md5, count 10 000 000) = 3 × 9 999 999 MD5 compressions');
  const schsm = await timeSchsm(formats);
  log(`schsm (unrolled JS MD5, async slices):   ${seconds(schsm)} s   ${(COMPRESSIONS / schsm / 1000).toFixed(2)} M compressions/s`);
  const naive = timeNaive();
  log(
    `node:crypto md5 loop (${NAIVE_ROUNDS / 1e6} M rounds, extrapolated): ${seconds(naive)} s   ratio schsm/naive ${(schsm / naive).toFixed(3)}`,
  );
  const tool = await timeScHsmTool(formats);
  const figures = { schsmMs: schsm, naiveMs: naive, compressionsPerSecond: COMPRESSIONS / (schsm / 1000) };
  if ('skipped' in tool) throw new NotMeasured(`the peer, sc-hsm-tool --create-dkek-share: ${tool.skipped}`);
  const ratio = schsm / tool.ms;
  log(
    `sc-hsm-tool --create-dkek-share (simulator on "${tool.reader}", whole command): ${seconds(tool.ms)} s   file read back by schsm: ${tool.readBack ? 'yes' : 'NO'}`,
  );
  const v = target('DKEK share derivation, schsm / sc-hsm-tool', [ratio], 0.5, { detail: 'one run each (10 M MD5 rounds)' });
  log(v.line);
  return { ...figures, figures: [v.figure], scHsmToolMs: tool.ms, ratio };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await dkekBench();
