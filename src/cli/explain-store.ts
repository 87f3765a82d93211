/**
 * `qungui explain --store STORE --event ID`: an event as the store recorded it, explained as it was
 * decided (the state before it rebuilt from the snapshot before it and the journal after that,
 * with the policy that judged it). The same replay as `GET /v1/explain/:event`
 * (src/service/replay.ts); the output is `qungui explain`'s.
 */
import { Policies, PurgedError, explainStored } from "../service/replay.js";
import { StoreError } from "../store/types.js";
import { renderExplanation, type ExplainFlags } from "./explain.js";
import { EXIT, UsageError, type Io } from "./io.js";
import { openExistingStore } from "./records.js";

export async function runExplainStored(where: string, flags: ExplainFlags, io: Io): Promise<number> {
  const store = await openExistingStore(where);
  try {
    const x = await explainStored(store, new Policies({ getPolicy: (k) => store.getPolicy(k), putPolicy: async () => undefined }), flags.event);
    if (x === null) {
      io.err(`qungui: no accepted event with id ${flags.event} in ${store.location}\n`);
      return EXIT.usage;
    }
    io.out(flags.format === "json" ? JSON.stringify(x, null, 2) + "\n" : renderExplanation(x, io.color));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof PurgedError || e instanceof StoreError) throw new UsageError(`${store.location}: ${e.message}`);
    throw e;
  } finally {
    await store.close();
  }
}
