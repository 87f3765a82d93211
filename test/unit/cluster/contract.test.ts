import { describe, expect, it } from "vitest";
import { broadcastMsgId, fnv1a, partitionKey, partitionOfSubject, routeLine, subjectOf, timerSeqBase } from "../../../src/cluster/contract.js";

describe("cluster contract", () => {
  it("hashes with FNV-1a 32 (published test vectors)", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });
  it("routes by group, then complaint, then user", () => {
    expect(partitionKey({ type: "group.join", user: "u1", group: "g1" })).toBe("g:g1");
    expect(partitionKey({ type: "complaint.filed", complaint: "c1", group: "g1" })).toBe("c:c1");
    expect(partitionKey({ type: "complaint.resolved", complaint: "c1", actor: "u2" })).toBe("c:c1");
    expect(partitionKey({ type: "user.registered", user: "u1" })).toBe("u:u1");
    const a = routeLine('{"id":"e1","type":"group.join","user":"u1","group":"g1"}', 16);
    const b = routeLine('{"id":"e2","type":"message.post","user":"u9","group":"g1"}', 16);
    expect(a.kind === "one" && b.kind === "one" && a.partition === b.partition).toBe(true);
    expect(a).toEqual({ kind: "one", partition: fnv1a("g:g1") % 16, msgId: "e1" });
  });
  it("broadcasts clock and agreement.published, and still routes garbage somewhere", () => {
    expect(routeLine('{"id":"k1","type":"clock","at":"2017-10-08T00:00:00+08:00"}', 8)).toEqual({ kind: "all", msgId: "k1" });
    expect(broadcastMsgId("k1", 3)).toBe("k1@3");
    const r = routeLine("not json", 8);
    expect(r.kind).toBe("one");
    expect(r.kind === "one" && r.msgId).toBe(null);
  });
  it("names subjects and keeps timer numbers of partitions apart", () => {
    expect(subjectOf(5)).toBe("qungui.events.5");
    expect(partitionOfSubject("qungui.events.5")).toBe(5);
    expect(partitionOfSubject("qungui.events.05")).toBe(null);
    expect(timerSeqBase(1) - timerSeqBase(0)).toBe(2 ** 40);
    expect(Number.isSafeInteger(timerSeqBase(4095) + 2 ** 40 - 1)).toBe(true);
  });
});
