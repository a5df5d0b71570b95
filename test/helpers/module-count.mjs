// `node [--import tsx] test/helpers/module-count.mjs SPECIFIER`: import SPECIFIER in a fresh process
// and print, as JSON, how long the import took and which ES modules it loaded (file: URLs).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (u) => urls.push(u));
register(new URL('./module-count-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });
const spec = process.argv[2];
const t0 = performance.now();
await import(spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(spec).href : spec);
const ms = performance.now() - t0;
await new Promise((r) => setTimeout(r, 100));
port1.close();
const files = [...new Set(urls.filter((u) => u.startsWith('file:')))];
console.log(JSON.stringify({ ms, files }));
