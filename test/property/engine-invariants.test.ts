import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compileProgram, emptyState, runStream, type Decision } from "../../src/engine/index.js";
import { fixturePolicy } from "../unit/engine/fixtures.js";
import { eventStream } from "./engine-arbitraries.js";

const program = compileProgram(fixturePolicy());

function run(lines: string[]) {
  const st = emptyState();
  const ds: Decision[] = [];
  runStream(program, lines, st, { decision: (_j, d) => ds.push(d) });
  return { st, ds };
}

describe("stream invariants of the fixture policy", () => {
  test("A8.member-cap, A2.roles: no group exceeds the cap; every group has exactly one creator", () => {
    fc.assert(
      fc.property(eventStream(80), (lines) => {
        const { st } = run(lines);
        for (const g of Object.values(st.groups)) {
          expect(g.memberCount).toBeLessThanOrEqual(12);
          expect(Object.values(g.members).filter((r) => r === "creator")).toHaveLength(1);
          expect(g.members[g.creator]).toBe("creator");
          expect(g.memberCount).toBe(Object.keys(g.members).length);
        }
      }),
      { numRuns: 150 },
    );
  });

  test("A12.complaints: each complaint escalates at most once, and only by timer", () => {
    fc.assert(
      fc.property(eventStream(80), (lines) => {
        const { ds } = run(lines);
        const overdue = ds.filter((d) => d.rule === "complaints/overdue");
        for (const d of overdue) expect(d.trigger).toBe("timer");
        const ids = overdue.map((d) => d.subject.complaint);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 150 },
    );
  });

  test("A2.roles, A15.effective: decisions about a group name a role; ungoverned ones name no policy", () => {
    fc.assert(
      fc.property(eventStream(80), (lines) => {
        const { ds } = run(lines);
        for (const d of ds) {
          if (d.subject.group !== undefined && d.subject.user !== undefined) expect(d.subject.role).toBeDefined();
          expect(d.policy === null).toBe(d.outcome === "ungoverned");
        }
      }),
      { numRuns: 150 },
    );
  });

  test("A11.record-report: every decision with an Article 11 measure effect also records and reports", () => {
    fc.assert(
      fc.property(eventStream(80), (lines) => {
        const { ds } = run(lines);
        for (const d of ds) {
          if (!d.effects.some((e) => e.kind === "measure")) continue;
          expect(d.effects.some((e) => e.kind === "record")).toBe(true);
          expect(d.effects.some((e) => e.kind === "report")).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
