/**
 * Entry point of a PC/SC worker process (started by pcsc-socket.ts with PCSCLITE_CSOCK_NAME set to
 * the pcscd socket it serves): the protocol of pcsc-worker-protocol.ts on stdin/stdout.
 */
import { serveWorker } from './pcsc-worker-serve.ts';

await serveWorker(process.stdin, process.stdout);
process.exit(0);
