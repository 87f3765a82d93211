/**
 * The worker thread that explains stored events (src/service/explainer.ts starts it): it opens its
 * own handle on the store, reads the snapshot before the event and the entries between, replays
 * them and explains the event, so the thread that decides never does any of it.
 */
import { parentPort } from "node:worker_threads";
import { openStore } from "../store/open.js";
import type { Store } from "../store/types.js";
import { explainFrom, explainInput, Policies, PurgedError, type ExplainInput } from "./replay.js";

/** A request: explain `eventId` from the store at `url`, or from `input` with the policies' IR texts. */
export type ExplainRequest = { id: number; eventId: string } & ({ url: string } | { input: ExplainInput; policies: Record<string, string> });

/** The answer: the explanation as JSON, null for an unknown event, or the error. */
export interface ExplainReply {
  id: number;
  json?: string | null;
  error?: { message: string; purged: boolean };
}

const stores = new Map<string, { store: Store; policies: Policies }>();

async function handle(req: ExplainRequest): Promise<string | null> {
  if ("input" in req) {
    const policies = new Policies(null);
    for (const [key, text] of Object.entries(req.policies)) policies.addText(key, text);
    return JSON.stringify(explainFrom(req.input, policies));
  }
  let open = stores.get(req.url);
  if (open === undefined) {
    const store = await openStore(req.url, { mustExist: true, readonly: true, poolSize: 1 });
    // Read-only here: a policy kept under an older key is stored under its id by the deciding thread.
    open = { store, policies: new Policies({ getPolicy: (k) => store.getPolicy(k), putPolicy: async () => undefined }) };
    stores.set(req.url, open);
  }
  const input = await explainInput(open.store, req.eventId);
  if (input === null) return null;
  await open.policies.preload([...input.journal, input.entry]);
  return JSON.stringify(explainFrom(input, open.policies));
}

parentPort!.on("message", (req: ExplainRequest) => {
  handle(req).then(
    (json) => parentPort!.postMessage({ id: req.id, json } satisfies ExplainReply),
    (e: unknown) => parentPort!.postMessage({ id: req.id, error: { message: e instanceof Error ? e.message : String(e), purged: e instanceof PurgedError } } satisfies ExplainReply),
  );
});
