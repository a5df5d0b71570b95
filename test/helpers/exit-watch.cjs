// Loaded into every ava worker (package.json "ava.require"). WHY: a test file whose tests all pass but
// whose process does not exit (a pending timer, a child process or server left open, a PC/SC status
// thread that pcsclite's close() joins forever) made ava wait ten minutes of inactivity and then fail
// the whole run without naming the file. This ends such a worker soon after its last test, names the
// file and what keeps it alive, and so fails that file (a non-zero exit is an ava failure).
'use strict';
const { Worker } = require('node:worker_threads');

/** How long a finished test file may take to exit. Generous: a clean one exits in milliseconds. */
const LINGER_MS = Number(process.env.SCHSM_TEST_LINGER_MS ?? 20_000);

void import('ava').then(({ registerCompletionHandler, default: test }) => {
  registerCompletionHandler(() => {
    const file = test.meta.file;
    // the main thread is free but something keeps the event loop alive: say what, and end
    setTimeout(() => {
      const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
      process.stderr.write(
        `\n${file}: still running ${LINGER_MS} ms after its last test; open: ${open.join(', ')}. Close what the tests open.\n`,
      );
      process.exit(1);
    }, LINGER_MS).unref();
    // the main thread is blocked in a native call (it would not run the timer above): only another
    // thread can end the process
    const blocked = `${file}: main thread blocked ${LINGER_MS + 10_000} ms after its last test (a native call that never returns, e.g. pcsclite's close() joining a status thread); killed`;
    const watchdog = new Worker(
      "const { workerData: w } = require('node:worker_threads'); setTimeout(() => { require('node:fs').writeSync(2, '\\n' + w.blocked + '\\n'); process.kill(process.pid, 'SIGKILL'); }, w.ms);",
      { eval: true, workerData: { blocked, ms: LINGER_MS + 10_000 }, stdout: false, stderr: false },
    );
    watchdog.unref();
  });
});
