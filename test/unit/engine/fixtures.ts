/**
 * A hand-built policy IR, lowered the way the emitter lowers sections (section denies first, then
 * policy rules, then one permit per decided event), with small numbers so tests can reach every
 * cap. Version 1.0 takes effect 2017-10-08 00:00 +08:00; amendment 1.1 on 2019-01-01 raises the
 * member cap, enforces the info page and drops the news-credit rule.
 */
import type { ActionIR, Cite, ExprIR, PolicyIR, RuleIR, TemplatePart, VersionIR } from "../../../src/ir/types.js";
import type { DecidedEvent } from "../../../src/vocab/events.js";
import { DECIDED_EVENTS } from "../../../src/vocab/events.js";
import { compileProgram, emptyState, type Decision, type EngineState, type EvaluateResult, type Program } from "../../../src/engine/index.js";
import type { ValueType } from "../../../src/vocab/paths.js";
import { articleOf } from "../../../src/law/articles.js";
import { integrityGuards } from "../../../src/ir/guards.js";

// ---------------------------------------------------------------------------------------------
// Expression builders

let nodeId = 0;
const id = (): string => `n${++nodeId}`;

export const path = (p: string, type: ValueType): ExprIR => ({ kind: "path", id: id(), path: p, type });
export const bool = (p: string): ExprIR => path(p, "bool");
export const count = (value: number): ExprIR => ({ kind: "lit", id: id(), type: "count", value });
export const lit = (type: "level" | "category" | "tier" | "severity" | "role" | "action", value: string): ExprIR => ({ kind: "lit", id: id(), type, value });
export const TRUE: ExprIR = { kind: "lit", type: "bool", value: true };
export const not = (arg: ExprIR): ExprIR => ({ kind: "not", id: id(), arg });
export const and = (...args: ExprIR[]): ExprIR => ({ kind: "and", id: id(), args });
export const or = (...args: ExprIR[]): ExprIR => ({ kind: "or", id: id(), args });
export const cmp = (left: ExprIR, op: "==" | "!=" | "<" | "<=" | ">" | ">=", right: ExprIR): ExprIR => ({ kind: "cmp", id: id(), op, left, right });
export const inList = (left: ExprIR, items: ExprIR[], negated = false): ExprIR => ({ kind: "in", id: id(), negated, left, items });
export const dur = (amount: number, unit: "minute" | "hour" | "day" | "week" | "month" | "year"): ExprIR => ({ kind: "duration", id: id(), amount, unit });
export const minus = (left: ExprIR, right: ExprIR, type: ValueType): ExprIR => ({ kind: "arith", id: id(), type, op: "-", left, right });
export const ifThen = (cond: ExprIR, then: ExprIR, els: ExprIR, type: ValueType): ExprIR => ({ kind: "if", id: id(), type, cond, then, else: els });

export const cite = (...reqs: string[]): Cite[] => reqs.map((req) => ({ article: articleOf(req)!, req }));

function rule(
  name: string,
  origin: RuleIR["origin"],
  section: string | null,
  on: DecidedEvent[],
  effect: "deny" | "allow",
  when: ExprIR,
  because: TemplatePart[],
  cites: Cite[],
): RuleIR {
  return { kind: "rule", id: `rule:${name}`, name, origin, section, on, effect, when, because, cites };
}

const SERVICE_EVENTS: DecidedEvent[] = ["group.create", "group.join", "message.post", "group.role", "group.manage", "group.info"];
const EXISTING: DecidedEvent[] = ["group.join", "group.info", "group.role", "group.manage", "message.post"];

const recordReport: ActionIR[] = [{ kind: "record" }, { kind: "report", to: "authority" }];

interface Numbers {
  cap: number;
  mediumMax: number;
  infoPageEnforced: boolean;
  newsRule: boolean;
}

function sectionRules(n: Numbers): RuleIR[] {
  const rules: RuleIR[] = [
    rule("groups/unknown", "builtin", null, EXISTING, "deny", not(bool("group.exists")), ["group ", { path: "group" }, " does not exist"], cite("A2.roles")),
    rule("groups/id-used", "builtin", null, ["group.create"], "deny", bool("group.id-used"), ["group id ", { path: "group" }, " is already in use"], cite("A8.group-id")),
    rule("groups/closed", "builtin", null, ["group.join", "message.post"], "deny", bool("group.closed"), ["group ", { path: "group" }, " is closed"], cite("A11.group-measures")),
    rule("agreement/required", "section", "agreement", SERVICE_EVENTS, "deny", not(bool("actor.agreement-accepted")), ["user ", { path: "user" }, " has not accepted the current service agreement"], cite("A5.agreement")),
    rule("real-name/post", "section", "identity", ["message.post"], "deny", not(bool("actor.verified")), ["user ", { path: "user" }, " has no verified real identity"], cite("A6.real-name")),
    rule("real-name/create", "section", "identity", ["group.create"], "deny", not(bool("actor.verified")), ["user ", { path: "user" }, " has no verified real identity"], cite("A6.real-name")),
    rule("real-name/set-info", "section", "identity", ["group.info"], "deny", not(bool("actor.verified")), ["user ", { path: "user" }, " has no verified real identity"], cite("A6.real-name")),
    rule("blacklist/users", "section", "blacklist", SERVICE_EVENTS, "deny", bool("actor.blacklisted"), ["user ", { path: "user" }, " is blacklisted"], cite("A11.blacklist")),
    rule("blacklist/groups", "section", "blacklist", ["group.join", "message.post"], "deny", bool("group.blacklisted"), ["group ", { path: "group" }, " is blacklisted"], cite("A11.blacklist")),
    rule("measures/posting-suspended", "builtin", null, ["message.post"], "deny", bool("group.posting-suspended"), ["posting in group ", { path: "group" }, " is suspended"], cite("A11.group-measures")),
    rule("categories/unknown", "section", "categories", ["group.create", "group.info"], "deny", not(bool("group.category-known")), ["the category is not one of the policy's"], cite("A7.tiers")),
    rule("limits/member-cap", "section", "limits", ["group.join"], "deny", cmp(path("group.members-after", "count"), ">", count(n.cap)), ["group ", { path: "group" }, " has ", { path: "group.members" }, " members; the cap is " + n.cap], cite("A8.member-cap")),
    rule("limits/groups-created", "section", "limits", ["group.create"], "deny",
      cmp(path("actor.groups-created", "count"), ">=", ifThen(cmp(path("actor.credit", "level"), ">=", lit("level", "B")), count(10), count(3), "count")),
      ["user ", { path: "user" }, " has created ", { path: "user.groups-created" }, " groups"], cite("A8.user-caps")),
    rule("limits/groups-joined", "section", "limits", ["group.join"], "deny", cmp(path("actor.groups-joined", "count"), ">=", count(5)), ["user ", { path: "user" }, " has joined too many groups"], cite("A8.user-caps")),
    rule("tiers/creator-qualification/create", "section", "tiers", ["group.create"], "deny",
      or(
        bool("actor.creation-cancelled"),
        and(cmp(path("group.tier-after", "tier"), "==", lit("tier", "small")), cmp(path("group.category", "category"), "!=", lit("category", "news")), cmp(path("actor.credit", "level"), "<", lit("level", "C"))),
        and(cmp(path("group.category", "category"), "==", lit("category", "news")), cmp(path("actor.credit", "level"), "<", lit("level", "B"))),
      ),
      ["user ", { path: "user" }, " lacks the creator qualification of tier ", { path: "group.tier-after" }], cite("A8.creator-qualification")),
    rule("tiers/default/medium/creator-qualification", "section", "tiers", ["group.join"], "deny",
      and(cmp(path("group.tier-after", "tier"), "==", lit("tier", "medium")), or(not(bool("creator.verified")), cmp(path("creator.credit", "level"), "<", lit("level", "B")), bool("creator.creation-cancelled"))),
      ["the creator of group ", { path: "group" }, " lacks the qualification of tier ", { path: "group.tier-after" }], cite("A8.creator-qualification")),
    rule("tiers/join-approval", "section", "tiers", ["group.join"], "deny",
      and(
        inList(path("group.tier-after", "tier"), [lit("tier", "medium"), lit("tier", "large")]),
        not(and(bool("event.approved"), inList(path("approver.role", "role"), [lit("role", "creator"), lit("role", "manager")]), not(bool("approver.management-suspended")))),
      ),
      ["joining group ", { path: "group" }, " needs approval by its creator or an active manager"], cite("A8.join-verification")),
    rule("management/rights", "section", "management", ["group.role", "group.manage", "group.info"], "deny",
      or(inList(path("actor.role", "role"), [lit("role", "creator"), lit("role", "manager")], true), bool("actor.management-suspended")),
      ["user ", { path: "user" }, " has no management rights in group ", { path: "group" }], cite("A9.management-rights")),
    rule("management/creator-protected", "section", "management", ["group.manage"], "deny",
      and(cmp(path("event.action", "action"), "==", lit("action", "remove-member")), cmp(path("target.role", "role"), "==", lit("role", "creator"))),
      ["nobody removes the creator of group ", { path: "group" }], cite("A9.management-rights")),
    rule("management/muted", "section", "management", ["message.post"], "deny", bool("actor.muted"), ["user ", { path: "user" }, " is muted in group ", { path: "group" }], cite("A9.management-rights")),
    rule("retention/too-young", "section", "retention", ["records.purge"], "deny",
      cmp(path("event.before", "time"), ">", minus(path("now", "time"), dur(6, "month"), "time")),
      ["records younger than 6 months (before ", { path: "now" }, ") cannot be purged"], cite("A13.retention")),
  ];
  if (n.infoPageEnforced) {
    rules.push(rule("limits/info-page", "section", "limits", ["group.join"], "deny",
      and(cmp(path("group.members-after", "count"), ">=", count(4)), not(bool("group.has-info-page"))),
      ["group ", { path: "group" }, " needs an info page first"], cite("A8.info-page")));
  }
  if (n.newsRule) {
    rules.push(rule("news-needs-credit", "policy", null, ["message.post"], "deny",
      and(cmp(path("group.category", "category"), "==", lit("category", "news")), cmp(path("user.credit", "level"), "<", lit("level", "B"))),
      ["user ", { path: "user" }, " needs credit B to post in news group ", { path: "group" }], cite("A7.credit")));
  }
  rules.push(rule("veteran-post", "policy", null, ["message.post"], "allow", cmp(path("actor.account-age", "duration"), ">=", dur(1, "month")), ["user ", { path: "user" }, " has been here ", { path: "user.account-age" }], cite("A7.credit")));
  for (const e of DECIDED_EVENTS) rules.push(rule(`permit/${e}`, "permit", null, [e], "allow", TRUE, [`${e} is permitted`], []));
  return rules;
}

function version(v: string, effective: string, n: Numbers): VersionIR {
  return {
    kind: "version",
    id: `version:${v}`,
    version: v,
    effective,
    zone: "Asia/Shanghai",
    toleranceMs: 5 * 60_000,
    cites: cite("A15.effective"),
    agreement: { kind: "agreement", id: "agreement", cites: cite("A5.agreement"), currentVersion: "2017-10", requiredFor: ["create", "join", "post", "manage", "set-info"], reaccept: true },
    identity: { kind: "identity", id: "identity", cites: cite("A6.real-name"), requiredFor: ["post", "create", "set-info"] },
    credit: { kind: "credit", id: "credit", cites: cite("A7.credit"), levels: ["D", "C", "B", "A"], default: "C" },
    categories: [
      { kind: "category", id: "cat:general", name: "general", label: "普通群" },
      { kind: "category", id: "cat:hobby", name: "hobby", label: null },
      { kind: "category", id: "cat:news", name: "news", label: "新闻讨论群" },
    ],
    tiers: [
      {
        kind: "tierTable",
        id: "tiers:default",
        cites: cite("A7.tiers"),
        categories: null,
        tiers: [
          { kind: "tier", id: "tier:small", name: "small", minMembers: 1, maxMembers: 5, activityFrom: null, creator: { verified: true, minCredit: "C" }, joinApproval: false },
          { kind: "tier", id: "tier:medium", name: "medium", minMembers: 6, maxMembers: n.mediumMax, activityFrom: null, creator: { verified: true, minCredit: "B" }, joinApproval: true },
        ],
      },
      {
        kind: "tierTable",
        id: "tiers:news",
        cites: cite("A7.tiers"),
        categories: ["news"],
        tiers: [
          { kind: "tier", id: "tier:news-small", name: "small", minMembers: 1, maxMembers: 3, activityFrom: null, creator: { verified: true, minCredit: "B" }, joinApproval: false },
          { kind: "tier", id: "tier:news-large", name: "large", minMembers: 4, maxMembers: 10, activityFrom: 5, creator: { verified: true, minCredit: "A" }, joinApproval: true },
        ],
      },
    ],
    limits: {
      kind: "limits",
      id: "limits",
      cites: cite("A8.member-cap", "A8.user-caps", "A8.info-page"),
      membersPerGroup: n.cap,
      groupsCreated: { base: 3, steps: [{ atLeast: "B", value: 10 }] },
      groupsJoined: { base: 5, steps: [] },
      infoPage: { from: 4, enforced: n.infoPageEnforced },
    },
    prohibited: {
      kind: "prohibited",
      id: "prohibited",
      cites: cite("A10.prohibited-content"),
      severities: ["minor", "serious", "grave"],
      categories: [
        { name: "spam", severity: "minor", label: "垃圾广告", id: "pc:spam" },
        { name: "fraud", severity: "serious", label: "诈骗", id: "pc:fraud" },
        { name: "violence", severity: "grave", label: null, id: "pc:violence" },
      ],
    },
    measures: [
      {
        kind: "measure",
        id: "measure:warn-minor",
        name: "warn-minor",
        cites: cite("A11.group-measures", "A11.record-report"),
        trigger: { count: 1, severityOp: "==", severity: "minor", categories: [], scope: "group", within: null },
        actions: [
          { kind: "warn", target: "group", rectifyWithin: { amount: 3, unit: "day" }, otherwise: [{ kind: "suspend-posting", target: "group", duration: { amount: 3, unit: "day" } }, ...recordReport] },
          ...recordReport,
        ],
      },
      {
        kind: "measure",
        id: "measure:suspend-serious",
        name: "suspend-serious",
        cites: cite("A11.group-measures", "A11.record-report"),
        trigger: { count: 1, severityOp: ">=", severity: "serious", categories: [], scope: "group", within: null },
        actions: [{ kind: "suspend-posting", target: "group", duration: { amount: 7, unit: "day" } }, ...recordReport],
      },
      {
        kind: "measure",
        id: "measure:close-repeat",
        name: "close-repeat",
        cites: cite("A11.group-measures", "A11.blacklist", "A11.record-report"),
        trigger: { count: 3, severityOp: ">=", severity: "serious", categories: [], scope: "group", within: { amount: 30, unit: "day" } },
        actions: [
          { kind: "close-group", target: "group" },
          { kind: "blacklist", target: "group", duration: null },
          { kind: "blacklist", target: "creator", duration: { amount: 1, unit: "year" } },
          ...recordReport,
        ],
      },
      {
        kind: "measure",
        id: "measure:user-credit",
        name: "user-credit",
        cites: cite("A11.user-measures", "A11.record-report"),
        trigger: { count: 1, severityOp: ">=", severity: "serious", categories: ["fraud", "violence"], scope: "user", within: null },
        actions: [{ kind: "lower-credit", target: "user", by: 1 }, ...recordReport],
      },
    ],
    responsibility: {
      kind: "responsibility",
      id: "responsibility",
      cites: cite("A11.responsibility", "A11.record-report"),
      window: { amount: 24, unit: "hour" },
      otherwise: [{ kind: "suspend-management", target: "managers", duration: { amount: 7, unit: "day" } }, { kind: "lower-credit", target: "creator", by: 1 }, ...recordReport],
    },
    complaints: {
      kind: "complaints",
      id: "complaints",
      cites: cite("A12.complaints"),
      resolveWithin: { amount: 48, unit: "hour" },
      otherwise: [{ kind: "escalate" }, ...recordReport],
    },
    retention: { kind: "retention", id: "retention", cites: cite("A13.retention"), keepLogs: { amount: 6, unit: "month" } },
    management: { kind: "management", id: "management", cites: cite("A9.management-rights"), muteFor: { amount: 1, unit: "day" } },
    blacklist: { kind: "blacklist", id: "blacklist", cites: cite("A11.blacklist"), users: ["create", "join", "post", "manage", "set-info"], groups: ["join", "post"] },
    rules: sectionRules(n),
    // The guards are the same in every IR (a loader refuses others): taken, not written again.
    guards: integrityGuards(),
  };
}

/**
 * A fresh copy of the fixture policy every call (tests may mutate it). Node ids restart at each
 * call, so every copy is the same document and has the same `policyId`.
 */
export function fixturePolicy(): PolicyIR {
  nodeId = 0;
  return {
    kind: "policy",
    irVersion: 2,
    name: "fixture",
    title: "engine test fixture",
    source: null,
    versions: [
      version("1.0", "2017-10-08T00:00:00+08:00", { cap: 8, mediumMax: 8, infoPageEnforced: false, newsRule: true }),
      version("1.1", "2019-01-01T00:00:00+08:00", { cap: 12, mediumMax: 12, infoPageEnforced: true, newsRule: false }),
    ],
    spans: { "rule:real-name/post": { file: "fixture.qg", line: 10, column: 3, endLine: 10, endColumn: 40 } },
  };
}

// ---------------------------------------------------------------------------------------------
// A harness: one program, one state, events by helper.

/** A local time in China Standard Time: `t("2017-10-09T10:00")`. */
export function t(local: string): string {
  return `${local.length === 16 ? `${local}:00` : local}+08:00`;
}

export interface Harness {
  program: Program;
  state: EngineState;
  /** Sends one event object (an `id` is made up when missing). */
  send(e: Record<string, unknown>): EvaluateResult;
  /** Sends and returns the primary decision; fails the test on a dead letter. */
  decide(e: Record<string, unknown>): Decision;
  /** A verified user who accepted the agreement, with optional credit. */
  user(id: string, at: string, credit?: string): void;
  /** A group created by `creator` with extra plain members. */
  group(id: string, creator: string, at: string, members?: string[], category?: string): void;
}

export function harness(ir: PolicyIR = fixturePolicy(), state: EngineState = emptyState()): Harness {
  const program = compileProgram(ir);
  let n = 0;
  const h: Harness = {
    program,
    state,
    send(e) {
      const ev = { id: `auto-${++n}`, ...e };
      return program.evaluate(ev, h.state);
    },
    decide(e) {
      const r = h.send(e);
      if (r.deadLetter) throw new Error(`dead letter: ${r.deadLetter.reason}`);
      return r.decisions[r.decisions.length - 1]!;
    },
    user(id, at, credit) {
      h.decide({ type: "user.registered", at, user: id });
      h.decide({ type: "user.verified", at, user: id, identity: { name: "张三", idNumber: "110101199003074514" } });
      h.decide({ type: "agreement.accepted", at, user: id, version: "2017-10" });
      if (credit) h.decide({ type: "user.credit", at, user: id, level: credit });
    },
    group(id, creator, at, members = [], category = "general") {
      const d = h.decide({ type: "group.create", at, user: creator, group: id, category });
      if (d.outcome !== "allow") throw new Error(`create ${id}: ${d.rule} ${d.reason}`);
      for (const m of members) {
        h.user(m, at);
        const j = h.decide({ type: "group.join", at, user: m, group: id, approvedBy: creator });
        if (j.outcome !== "allow") throw new Error(`join ${m}: ${j.rule} ${j.reason}`);
      }
    },
  };
  return h;
}

/** Primary decisions only. */
export function primaries(ds: readonly Decision[]): Decision[] {
  return ds.filter((d) => d.trigger === undefined);
}

export function timers(ds: readonly Decision[]): Decision[] {
  return ds.filter((d) => d.trigger === "timer");
}
