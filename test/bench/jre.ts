/**
 * Running the json-rules-engine export with json-rules-engine 7 (a dev dependency: the export
 * itself never imports it). One Engine per version and decided event type, holding only that
 * type's rules, as a user who wants it fast would set it up; each engine stops at the first deny or
 * allow rule that fires (guards sit between them in priority, so they have run by then).
 *
 * An Engine keeps its run status on the instance, so runs on one engine must not overlap: `decide`
 * is awaited one event at a time.
 */
import { Engine, type RuleProperties } from "json-rules-engine";
import { combine, rulesForEvent, type Combined, type FiredEvent, type JreExport } from "../../src/export/json-rules-engine.js";
import type { Facts } from "../../src/export/facts.js";
import { DECIDED_EVENTS, type DecidedEvent } from "../../src/vocab/events.js";

export class JreRunner {
  private readonly engines: Map<DecidedEvent, Engine>[] = [];

  constructor(exp: JreExport, opts: { stopEarly?: boolean } = {}) {
    const stopEarly = opts.stopEarly ?? true;
    for (const v of exp.versions) {
      const byType = new Map<DecidedEvent, Engine>();
      for (const t of DECIDED_EVENTS) {
        const engine = new Engine(rulesForEvent(v, t) as unknown as RuleProperties[]);
        if (stopEarly) {
          engine.on("success", (event: { type: string }) => {
            if (event.type !== "guard") engine.stop();
          });
        }
        byType.set(t, engine);
      }
      this.engines.push(byType);
    }
  }

  async decide(version: number, facts: Facts): Promise<Combined> {
    const type = facts["event.type"] as DecidedEvent;
    const engine = this.engines[version]!.get(type)!;
    const r = await engine.run(facts);
    return combine(r.events as FiredEvent[]);
  }
}
