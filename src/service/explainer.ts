/**
 * Explaining stored events off the thread that decides. `GET /v1/explain/:event` rebuilds the state
 * before an old event: read the snapshot before it, replay up to a snapshot interval of entries,
 * explain. That is bounded (snapshots are kept for the whole journal, so the interval bounds it,
 * not the journal's length) but it is seconds for a large state, and on the event loop it would
 * stall every request and commit meanwhile. So one worker thread (./explain-worker.ts) does it,
 * with its own read-only handle on the store; for a store no other thread can open (memory) the
 * deciding thread reads the records (slices of arrays) and the worker replays them.
 */
import { Worker } from "node:worker_threads";
import type { Explanation } from "../engine/explain.js";
import { StoreError, type Store } from "../store/types.js";
import type { ExplainReply, ExplainRequest } from "./explain-worker.js";
import { explainInput, PurgedError } from "./replay.js";

type Pending = { resolve: (json: string | null) => void; reject: (e: unknown) => void };

/** The worker, from the built JavaScript or, in tests and `tsx`, from the TypeScript source through tsx. */
function startWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    return new Worker(new URL("../../scripts/ts-worker.mjs", here), { workerData: { entry: new URL("./explain-worker.ts", here).href } });
  }
  return new Worker(new URL("./explain-worker.js", here));
}

/** Explains stored events in a worker thread (started on first use, stopped by {@link close}). */
export class Explainer {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(private readonly store: Store) {}

  private ensure(): Worker {
    if (this.worker !== null) return this.worker;
    const w = startWorker();
    w.unref();
    w.on("message", (r: ExplainReply) => {
      const p = this.pending.get(r.id);
      if (p === undefined) return;
      this.pending.delete(r.id);
      if (r.error !== undefined) p.reject(r.error.purged ? new PurgedError(r.error.message) : new StoreError(r.error.message));
      else p.resolve(r.json ?? null);
    });
    const fail = (e: unknown) => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(new StoreError(`the explain worker stopped: ${e instanceof Error ? e.message : String(e)}`));
      this.pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    this.worker = w;
    return w;
  }

  /** The explanation of a stored event as JSON, or null when no accepted event has that id. */
  async explainJson(eventId: string): Promise<string | null> {
    let req: ExplainRequest;
    const id = this.next++;
    if (this.store.url !== undefined) req = { id, eventId, url: this.store.url };
    else {
      const input = await explainInput(this.store, eventId);
      if (input === null) return null;
      const policies: Record<string, string> = {};
      for (const key of new Set([...input.journal, input.entry].map((e) => e.policy))) {
        const text = await this.store.getPolicy(key);
        if (text === null) throw new StoreError(`the journal names policy ${key.slice(0, 12)}…, which the store does not hold`);
        policies[key] = text;
      }
      req = { id, eventId, input, policies };
    }
    const w = this.ensure();
    return new Promise<string | null>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage(req);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  /** As {@link explainJson}, parsed. */
  async explain(eventId: string): Promise<Explanation | null> {
    const json = await this.explainJson(eventId);
    return json === null ? null : (JSON.parse(json) as Explanation);
  }

  /** Stops the worker (pending explanations are rejected). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }
}
