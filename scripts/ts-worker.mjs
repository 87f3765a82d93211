// Starts a worker thread from TypeScript source (tests, `tsx`): registers tsx in the worker, then
// imports the entry given in workerData. The built package starts its workers from dist/ directly.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
