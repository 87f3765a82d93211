/**
 * A7.credit as a stream property (monotonicity): at one decided event of the stream, the engine is
 * forked twice just before it, the acting user's credit set to a lower level in one fork and a
 * higher one in the other, and the event judged in both. If the lower credit gets the service, the
 * higher credit must get it too.
 */
import type { Decision } from "../engine/decision.js";
import type { PolicyIR } from "../ir/types.js";
import type { GenEvent, Violation } from "./oracle.js";
import type { EngineSession } from "./session.js";
import { versionAt } from "./oracle.js";
import { parseRfc3339 } from "../source/time.js";

const DECIDED = new Set(["group.create", "group.join", "group.info", "group.role", "group.manage", "message.post"]);

export function creditMonotonicity(ir: PolicyIR, events: readonly GenEvent[]) {
  const violations: Violation[] = [];
  /** Adjacent pairs of levels the chosen event was replayed at (the property's situations). */
  let exercised = 0;
  const candidates = events.map((e, i) => [e, i] as const).filter(([e]) => DECIDED.has(e.type));
  // A deterministic choice, so a stream always probes the same event (shrinking depends on it).
  const chosen = candidates.length ? candidates[events.length % candidates.length] : undefined;
  return {
    violations,
    get exercised() {
      return exercised;
    },
    before(i: number, s: EngineSession): void {
      if (!chosen || chosen[1] !== i) return;
      const event = chosen[0];
      const v = versionAt(ir, parseRfc3339(event.at) ?? 0);
      if (!v || v.credit.levels.length < 2) return;
      const actor = (event["actor"] ?? event["user"]) as string;
      const levels = v.credit.levels;
      // One fork per level (not per pair): forks copy the whole state, the costliest step of verify.
      const outcomes = new Map<string, string>();
      const outcomeWith = (level: string): string => {
        const known = outcomes.get(level);
        if (known !== undefined) return known;
        const outcome = judgeAt(level);
        outcomes.set(level, outcome);
        return outcome;
      };
      const judgeAt = (level: string): string => {
        const fork = s.fork();
        fork.feed({ id: `${event.id}~credit`, type: "user.credit", at: event.at, user: actor, level });
        const out = fork.feed(event);
        if ("refused" in out) return "refused";
        return (out.decisions[out.decisions.length - 1] as Decision).outcome;
      };
      for (let k = 0; k + 1 < levels.length; k++) {
        const low = levels[k]!;
        const high = levels[k + 1]!;
        const lowOutcome = outcomeWith(low);
        const highOutcome = outcomeWith(high);
        exercised++;
        if (lowOutcome === "allow" && highOutcome === "deny") {
          violations.push({
            req: "A7.credit",
            message: `event ${event.id} (${event.type}) by ${actor} is allowed at credit ${low} but denied at the higher credit ${high}`,
            index: i,
          });
          return;
        }
      }
    },
  };
}
