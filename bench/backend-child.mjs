// Runs bench/backend.mjs in a process of its own, so that the load generator (autocannon, in
// the parent) and the server under test do not share an event loop. Started with fork(); tells
// the parent its URL over IPC, and stops on SIGTERM or when the parent goes away.
import { startBackend } from './backend.mjs';

const backend = await startBackend();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await backend.close().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
process.send({ ready: true, tokenUrl: backend.tokenUrl, emulatorUrl: backend.emulatorUrl });
