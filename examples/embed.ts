/**
 * Embedding qungui in a service: compile the policy, open an engine on a store, decide events,
 * retry one safely, restart and carry on where it stopped, explain a decision, export an
 * inspection set.
 *
 *   npx tsx examples/embed.ts [store]      (a SQLite file, or postgres://user@host/db?schema=qungui)
 *
 * In an application, import from "qungui" instead of "../src/index.js".
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePolicy, createEngine, openStore, renderDiagnostics } from "../src/index.js";

const here = new URL(".", import.meta.url).pathname;
const policyFile = join(here, "..", "policies", "cac-2017.qg");
const storeFile = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), "qungui-embed-")), "qungui.db");

// 1. Compile the policy; diagnostics are values, never exceptions.
const { program, diagnostics } = compilePolicy(readFileSync(policyFile, "utf8"), "cac-2017.qg");
if (program === null) {
  console.error(renderDiagnostics(diagnostics, undefined));
  process.exit(1);
}

// 2. An engine on a durable store. The clock stamps stored records; decisions use event times only.
const store = await openStore(storeFile);
const engine = await createEngine(program, { store, clock: () => Date.now() });

const at = (minute: number) => `2017-10-09T09:${String(minute).padStart(2, "0")}:00+08:00`;
const first = await engine.decideBatch([
  { id: "e0", type: "agreement.published", at: at(0), version: "2017-10" },
  { id: "e1", type: "user.registered", at: at(0), user: "alice" },
  { id: "e2", type: "user.verified", at: at(1), user: "alice", identity: { name: "only the engine sees this" } },
  { id: "e3", type: "agreement.accepted", at: at(2), user: "alice", version: "2017-10" },
  { id: "e4", type: "group.create", at: at(3), user: "alice", group: "g1", category: "general", name: "Hiking" },
  { id: "e5", type: "user.registered", at: at(4), user: "bob" },
  { id: "e6", type: "agreement.accepted", at: at(4), user: "bob", version: "2017-10" },
  { id: "e7", type: "group.join", at: at(5), user: "bob", group: "g1" },
]);
for (const r of first) {
  const d = r.decisions[r.decisions.length - 1];
  console.log(d ? `${d.event} ${d.type} → ${d.outcome} (${d.rule})` : `dead letter: ${r.deadLetter?.reason}`);
}

// A retry of an event whose answer was lost gets its original decisions back, marked as a replay.
const retry = await engine.decide({ id: "e7", type: "group.join", at: at(5), user: "bob", group: "g1" });
console.log(`retry of e7: replay ${retry.replay === true}, ${retry.decisions.at(-1)?.outcome}`);

// 3. A restart: a new engine on the same store resumes exactly where the first one stopped.
await engine.close();
const again = await createEngine(program, { store, clock: () => Date.now() });
const post = await again.decide({ id: "e8", type: "message.post", at: at(6), user: "bob", group: "g1", message: "m1" });
const d = post.decisions[post.decisions.length - 1]!;
console.log(`${d.event} ${d.type} → ${d.outcome} (${d.rule}): ${d.reason}`);

// 4. Why? Every rule considered, with the values of its conditions, as it was decided.
const why = await again.explainEvent("e8");
console.log(`explain e8: ${why?.why}`);

// 5. The inspection set of Article 13 for group g1, complete and in order.
let n = 0;
for await (const record of store.exportDecisions({ group: "g1" })) {
  n++;
  if (n === 1) console.log(`first record of g1: ${record.json.slice(0, 80)}…`);
}
console.log(`${n} decisions concern g1; store: ${storeFile}`);
await again.close();
await store.close();
