import { describe, expect, test } from "vitest";
import { emptyState, runStream, snapshotState, type StreamCounts } from "../../../src/engine/index.js";
import { harness, t } from "./fixtures.js";

const SECRETS = ["张三", "110101199003074514", "13800138000", "secret-passport-E1234"];
const identity = { name: SECRETS[0], idNumber: SECRETS[1], phone: SECRETS[2], passport: SECRETS[3] };

function lines(): string[] {
  const at = t("2017-10-09T10:00");
  return [
    JSON.stringify({ id: "e6", type: "user.verified", at: "2017-10-01T10:00:00+08:00", user: "u4", identity }),
    JSON.stringify({ id: "e1", type: "user.registered", at, user: "u1" }),
    JSON.stringify({ id: "e2", type: "user.verified", at, user: "u1", identity }),
    JSON.stringify({ id: "e3", type: "user.verified", at: "2017-10-09T10:00:00", user: "u2", identity }),
    JSON.stringify({ id: "e2", type: "user.verified", at, user: "u1", identity }),
    `{"id":"e4","type":"user.verified","at":"${at}","user":"u3","identity":{"name":"${SECRETS[0]}"`,
    `{"id":"e5","type":"user.verified","at":"${at}","user":"u3","ident\\u0069ty":{"name":"${SECRETS[0]}"},"identity":{"id":"${SECRETS[1]}"}}`,
    JSON.stringify({ id: "e7", type: "clock", at, identity }),
    JSON.stringify({ id: "e8", type: "user.verified", at, user: "u5", identity: SECRETS[1] }),
    JSON.stringify({ id: "e9", type: "user.verified", at: t("2017-10-09T09:00"), user: "u6", identity }),
    JSON.stringify({ id: "e10", type: "user.verified", at, user: "u7", identity, extra: { constructor: 1, deeper: { identity } } }),
  ];
}

describe("A6.pii: identity never leaves intake", () => {
  test("A6.pii: decisions, dead letters, state and explanations never contain identity", () => {
    const h = harness();
    const out: string[] = [];
    const counts: StreamCounts = runStream(h.program, lines(), h.state, { decision: (j) => out.push(j), deadLetter: (j) => out.push(j) });
    expect(counts.deadLetters).toBeGreaterThan(4);
    expect(h.state.users["u1"]!.verified).toBe(true);
    expect(h.state.users["u4"]!.verified).toBe(true);
    const explanation = h.program.explain(JSON.parse(lines()[2]!.replace('"e2"', '"e99"')), h.state);
    const explainedLine = h.program.explain(lines()[5]!, h.state);
    const everything = [...out, snapshotState(h.state), JSON.stringify(explanation), JSON.stringify(explainedLine)].join("\n");
    for (const s of SECRETS) expect(everything).not.toContain(s);
    expect(everything).toContain("[redacted]");
  });

  test("A6.pii: the library API (evaluate on objects) redacts too", () => {
    const program = harness().program;
    const st = emptyState();
    const r = program.evaluate({ id: "e", type: "user.verified", at: "bad", user: "u", identity }, st);
    expect(r.deadLetter!.raw).toBe('{"id":"e","type":"user.verified","at":"bad","user":"u","identity":"[redacted]"}');
    const ok = program.evaluate({ id: "e", type: "user.verified", at: t("2017-10-09T10:00"), user: "u", identity }, st);
    for (const s of SECRETS) expect(JSON.stringify(ok) + snapshotState(st)).not.toContain(s);
  });
});
