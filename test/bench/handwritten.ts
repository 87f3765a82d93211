/**
 * The reference policy (policies/cac-2017.qg) evaluated by hand: the code a good engineer would
 * write for exactly these rules without a rules engine. Its own state (Maps and small classes, roles
 * and credit as numbers, a timer heap with lazy cancellation) and its own logic; nothing from
 * src/engine. It produces the same decisions (outcome, rule, reason, cites, effects, subject) and
 * dead letters for the same inputs, so the benchmark compares like with like; `npm run bench`
 * refuses to time it when it disagrees with qungui on outcome or rule.
 *
 * It knows the policy only as written on 2026-11-23 (five measures plus blacklist-on-terrorism,
 * warn with rectification, responsibility, complaints, retention, one policy rule). When the
 * reference policy changes, this file must change with it.
 */
import type { Population } from "../../src/workload/generate.js";

// ---------------------------------------------------------------------------------------------
// Policy constants

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ZONE_OFFSET = 8 * HOUR; // Asia/Shanghai has had no daylight saving time since 1991.
const EFFECTIVE = Date.UTC(2017, 9, 7, 16, 0, 0); // 2017-10-08T00:00:00+08:00
const POLICY = "1.0";
const TOLERANCE = 5 * MIN;
const AGREEMENT_DECLARED = "2017-10";
const LEVELS = ["D", "C", "B", "A"] as const;
const LEVEL: Record<string, number> = { D: 0, C: 1, B: 2, A: 3 };
const DEFAULT_CREDIT = 1;
const SEVERITY: Record<string, number> = { minor: 0, serious: 1 };
const FLAG_SEVERITY: Record<string, string> = { fraud: "serious", pornography: "serious", violence: "serious", terrorism: "serious", rumor: "minor", spam: "minor" };
const CATEGORIES = new Set(["general", "business", "hobby", "news-discussion"]);
const NEWS = "news-discussion";
const ACTIONS = new Set(["remove-member", "delete-message", "mute"]);
const FLAG_HORIZON = 90 * DAY;

// Roles as numbers; `ROLE_NAMES[r]` for output.
const NONE = 0;
const MEMBER = 1;
const MANAGER = 2;
const CREATOR = 3;
const ROLE_NAMES = ["none", "member", "manager", "creator"] as const;

// Tiers: default table small/medium/large, news table news-small/news-large.
const SMALL = 0;
const MEDIUM = 1;
const LARGE = 2;
const NEWS_SMALL = 3;
const NEWS_LARGE = 4;
const TIER_NAMES = ["small", "medium", "large", "news-small", "news-large"] as const;
const TIER_RULE = ["tiers/small", "tiers/medium", "tiers/large", "tiers/news-discussion/news-small", "tiers/news-discussion/news-large"] as const;
const TIER_MIN_CREDIT = [1, 2, 3, 2, 3];
const TIER_APPROVAL = [false, true, true, true, true];

// ---------------------------------------------------------------------------------------------
// Output

export interface Cite {
  article: number;
  req: string;
}
export type HwEffect = Record<string, unknown>;
export interface HwSubject {
  user?: string;
  group?: string;
  role?: string;
  complaint?: string;
}
export interface HwDecision {
  v: 1;
  event: string | null;
  at: string;
  type: string;
  trigger?: "timer";
  due?: string;
  outcome: "allow" | "deny" | "noted" | "measures" | "ungoverned";
  subject: HwSubject;
  rule: string;
  reason: string;
  cites: readonly Cite[];
  effects: readonly HwEffect[];
  policy: string | null;
}
export interface HwResult {
  decisions: HwDecision[];
  deadLetter?: { line: null; reason: string; raw: string };
}

function c(...reqs: string[]): readonly Cite[] {
  return Object.freeze(reqs.map((req) => Object.freeze({ article: Number(req.slice(1, req.indexOf("."))), req })));
}
const NO: readonly never[] = Object.freeze([]);
const C_GROUP_ID = c("A8.group-id");
const C_TIERS = c("A7.tiers");
const C_GROUP_MEASURES = c("A11.group-measures");
const C_AGREEMENT = c("A5.agreement");
const C_REAL_NAME = c("A6.real-name");
const C_BLACKLIST = c("A11.blacklist");
const C_ROLES = c("A2.roles");
const C_RIGHTS = c("A9.management-rights");
const C_SUSPENDED = c("A9.management-rights", "A11.user-measures");
const C_CANCELLED = c("A8.creator-qualification", "A11.user-measures");
const C_QUALIFICATION = c("A8.creator-qualification");
const C_APPROVAL = c("A8.join-verification");
const C_MEMBER_CAP = c("A8.member-cap");
const C_USER_CAPS = c("A8.user-caps");
const C_INFO_PAGE = c("A8.info-page");
const C_RETENTION = c("A13.retention", "A13.inspection");
const C_NEWS = c("A7.credit");
const C_EFFECTIVE = c("A15.effective");
const C_VERIFIED = c("A6.real-name", "A6.pii");
const C_CREDIT = c("A7.credit");
const C_COMPLAINTS = c("A12.complaints");
const C_PROHIBITED = c("A10.prohibited-content");
const C_USER_MEASURES = c("A11.user-measures");
const C_RESPONSIBILITY = c("A11.responsibility");
const C_PERMIT_CREATE = c("A5.agreement", "A6.real-name", "A7.tiers", "A8.creator-qualification", "A8.group-id", "A8.info-page", "A8.user-caps", "A11.blacklist", "A11.user-measures");
const C_PERMIT_JOIN = c("A2.roles", "A5.agreement", "A8.creator-qualification", "A8.group-id", "A8.info-page", "A8.join-verification", "A8.member-cap", "A8.user-caps", "A11.blacklist", "A11.group-measures");
const C_PERMIT_INFO = c("A5.agreement", "A6.real-name", "A7.tiers", "A8.group-id", "A9.management-rights", "A11.blacklist", "A11.group-measures", "A11.user-measures");
const C_PERMIT_MANAGE = c("A2.roles", "A5.agreement", "A8.group-id", "A9.management-rights", "A11.blacklist", "A11.group-measures", "A11.user-measures");
const C_PERMIT_POST = c("A2.roles", "A5.agreement", "A6.real-name", "A7.credit", "A8.group-id", "A9.management-rights", "A11.blacklist", "A11.group-measures");
const C_PERMIT_PURGE = c("A13.inspection", "A13.retention");
const C_WARN = c("A11.group-measures", "A11.record-report");
const C_CLOSE = c("A11.group-measures", "A11.blacklist", "A11.record-report");
const C_LOWER = c("A11.user-measures", "A11.record-report");
const C_CANCEL = c("A11.user-measures", "A11.blacklist", "A11.record-report");
const C_TERROR = c("A11.blacklist", "A11.record-report");

// ---------------------------------------------------------------------------------------------
// Time

const AT_RE = /^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/;

function parseAt(s: unknown): number {
  return typeof s === "string" && AT_RE.test(s) ? Date.parse(s) : NaN;
}

function fmt(ms: number): string {
  const iso = new Date(ms + ZONE_OFFSET).toISOString();
  return (ms % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23)) + "+08:00";
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms + ZONE_OFFSET);
  const m = d.getUTCMonth() + months;
  const y = d.getUTCFullYear() + Math.floor(m / 12);
  const mo = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), last);
  return Date.UTC(y, mo, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()) - ZONE_OFFSET;
}

// ---------------------------------------------------------------------------------------------
// State

interface Flag {
  t: number;
  sev: number;
  cat: string;
}

class User {
  verified = false;
  credit = DEFAULT_CREDIT;
  accepted: string[] = [];
  groupsCreated = 0;
  groupsJoined = 0;
  /** 0: not blacklisted; Infinity: for ever. */
  blUntil = 0;
  blTimer: Timer | null = null;
  mgmtUntil = 0;
  mgmtTimer: Timer | null = null;
  creationCancelled = false;
  flags: Flag[] = [];
  flagTotal = 0;
}

interface Pending {
  timer: Timer;
  message: string;
  user: string;
}

class Group {
  name: string | null;
  hasInfo = false;
  closed = false;
  blUntil = 0;
  blTimer: Timer | null = null;
  postUntil = 0;
  postTimer: Timer | null = null;
  members = new Map<string, number>();
  managers = 0;
  muted: Map<string, number> | null = null;
  flags: Flag[] = [];
  flagTotal = 0;
  /** Times of allowed posts; entries before `head` are older than a day. */
  posts: number[] = [];
  head = 0;
  pending: Pending[] = [];
  constructor(
    public category: string,
    public creator: string,
    name: string | null,
  ) {
    this.name = name;
    this.members.set(creator, CREATOR);
  }
}

interface Complaint {
  group: string | null;
  resolved: boolean;
  overdue: boolean;
  timer: Timer | null;
}

const enum T {
  ComplaintDue,
  ResponsibilityDue,
  PostingResumes,
  ManagementRestored,
  BlacklistLifted,
  RectifyDue,
}

interface Timer {
  due: number;
  seq: number;
  kind: T;
  cancelled: boolean;
  group: string | null;
  user: string | null;
  complaint: string | null;
  message: string | null;
  mark: number;
}

class Heap {
  private h: Timer[] = [];
  private less(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }
  push(t: Timer): void {
    const h = this.h;
    let i = h.length;
    h.push(t);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(t, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = t;
  }
  /** The earliest live timer due at or before `now`, removed. */
  popDue(now: number): Timer | undefined {
    const h = this.h;
    for (;;) {
      const top = h[0];
      if (top === undefined || top.due > now) return undefined;
      const last = h.pop()!;
      if (h.length > 0) {
        let i = 0;
        const n = h.length;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= n) break;
          const r = l + 1;
          const m = r < n && this.less(h[r]!, h[l]!) ? r : l;
          if (!this.less(h[m]!, last)) break;
          h[i] = h[m]!;
          i = m;
        }
        h[i] = last;
      }
      if (!top.cancelled) return top;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Events

type Fields = Record<string, unknown>;
const str = (o: Fields, k: string): string | null => {
  const v = o[k];
  return typeof v === "string" && v.length > 0 ? v : null;
};

const REQUIRED: Record<string, readonly string[]> = {
  "user.registered": ["user"],
  "user.verified": ["user"],
  "user.credit": ["user", "level"],
  "agreement.published": ["version"],
  "agreement.accepted": ["user", "version"],
  "group.create": ["user", "group", "category"],
  "group.join": ["user", "group"],
  "group.leave": ["user", "group"],
  "group.info": ["actor", "group", "category"],
  "group.role": ["actor", "group", "user", "role"],
  "group.manage": ["actor", "group", "action", "target"],
  "message.post": ["user", "group", "message"],
  "content.flagged": ["group", "user", "message", "category"],
  "complaint.filed": ["complaint"],
  "complaint.resolved": ["complaint", "actor"],
  "records.purge": ["actor", "before"],
  clock: [],
};
const OPTIONAL_STRINGS = ["name", "approvedBy", "severity", "by", "group", "user", "message"];

export class HandWritten {
  private readonly users = new Map<string, User>();
  private readonly groups = new Map<string, Group>();
  private readonly complaints = new Map<string, Complaint>();
  private readonly seen = new Set<string>();
  private readonly timers = new Heap();
  private seq = 0;
  private clock = -Infinity;
  private published: { version: string; at: number } | null = null;
  private purgedBefore = -Infinity;

  /** Loads an existing platform (the benchmark's population). */
  load(pop: Population): void {
    for (const p of pop.users) {
      const u = new User();
      u.verified = p.verified;
      if (p.accepted) u.accepted.push(pop.agreementVersion);
      if (p.credit !== null) u.credit = LEVEL[p.credit]!;
      this.users.set(p.id, u);
    }
    for (const p of pop.groups) {
      const g = new Group(p.category, p.creator, p.name);
      g.hasInfo = p.hasInfoPage;
      for (let i = 1; i < p.members.length; i++) g.members.set(p.members[i]!, MEMBER);
      for (const m of p.managers) g.members.set(m, MANAGER);
      g.managers = p.managers.length;
      this.groups.set(p.id, g);
      for (const m of p.members) this.users.get(m)!.groupsJoined++;
      this.users.get(p.creator)!.groupsCreated++;
    }
  }

  evaluate(o: unknown): HwResult {
    const out: HwDecision[] = [];
    if (o === null || typeof o !== "object" || Array.isArray(o)) return this.dead(out, "invalid JSON: expected an object", o);
    const e = o as Fields;
    const id = str(e, "id");
    if (id === null) return this.dead(out, e["id"] === undefined ? `missing field "id"` : `field "id" must be a non-empty string`, o);
    const type = e["type"];
    if (typeof type !== "string" || REQUIRED[type] === undefined) return this.dead(out, e["type"] === undefined ? `missing field "type"` : `unknown event type`, o);
    const at = e["at"];
    const atMs = parseAt(at);
    if (Number.isNaN(atMs)) return this.dead(out, e["at"] === undefined ? `missing field "at"` : `field "at" must be an RFC 3339 timestamp with an offset`, o);
    for (const f of REQUIRED[type]!) {
      const v = e[f];
      if (v === undefined) return this.dead(out, `missing field "${f}"`, o);
      if (typeof v !== "string" || v.length === 0) return this.dead(out, `field "${f}" must be a non-empty string`, o);
    }
    for (const f of OPTIONAL_STRINGS) {
      const v = e[f];
      if (v !== undefined && (typeof v !== "string" || (v.length === 0 && f !== "name"))) return this.dead(out, `field "${f}" must be a string`, o);
    }
    if (type === "group.info" && typeof e["name"] !== "string") return this.dead(out, `missing field "name"`, o);
    if (type === "user.verified" && (e["identity"] === null || typeof e["identity"] !== "object")) return this.dead(out, `field "identity" must be an object`, o);
    if (type === "user.credit" && LEVEL[e["level"] as string] === undefined) return this.dead(out, `field "level" must be a credit level of the policy`, o);
    if (type === "content.flagged" && FLAG_SEVERITY[e["category"] as string] === undefined) return this.dead(out, `field "category" must be a prohibited category`, o);
    if (e["severity"] !== undefined && type === "content.flagged" && SEVERITY[e["severity"] as string] === undefined) return this.dead(out, `field "severity" must be a severity of the policy`, o);
    if (type === "group.role" && e["role"] !== "manager" && e["role"] !== "member") return this.dead(out, `field "role" must be manager or member`, o);
    if (type === "group.manage" && !ACTIONS.has(e["action"] as string)) return this.dead(out, `field "action" must be one of remove-member, delete-message, mute`, o);
    let beforeMs = NaN;
    if (type === "records.purge" && Number.isNaN((beforeMs = parseAt(e["before"])))) return this.dead(out, `field "before" must be an RFC 3339 timestamp with an offset`, o);
    if (this.seen.has(id)) return this.dead(out, `duplicate event id`, o);
    if (this.clock - atMs > TOLERANCE) return this.dead(out, "event is older than the clock by more than the tolerance", o);

    const now = atMs > this.clock ? atMs : this.clock;
    this.clock = now;
    const ev: Ev = { id, type, at: at as string, atMs, beforeMs, e };
    this.fireDue(now, ev, out);
    out.push(atMs < EFFECTIVE ? this.ungoverned(ev, now) : this.judge(ev, now));
    this.seen.add(id);
    return { decisions: out };
  }

  private dead(out: HwDecision[], reason: string, o: unknown): HwResult {
    return { decisions: out, deadLetter: { line: null, reason, raw: JSON.stringify(o) ?? "" } };
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  private user(id: string): User {
    let u = this.users.get(id);
    if (u === undefined) this.users.set(id, (u = new User()));
    return u;
  }

  private role(g: Group | undefined, id: string | null): number {
    return g === undefined || id === null ? NONE : (g.members.get(id) ?? NONE);
  }

  private subject(user: string | null, group: string | null, complaint: string | null = null): HwSubject {
    const s: HwSubject = {};
    if (user !== null) s.user = user;
    if (group !== null) s.group = group;
    if (user !== null && group !== null) s.role = ROLE_NAMES[this.role(this.groups.get(group), user)];
    if (complaint !== null) s.complaint = complaint;
    return s;
  }

  private accepted(u: User | undefined): boolean {
    if (u === undefined) return false;
    const p = this.published;
    const current = p === null || EFFECTIVE > p.at ? AGREEMENT_DECLARED : p.version;
    return u.accepted.includes(current);
  }

  private schedule(kind: T, due: number, group: string | null, user: string | null, complaint: string | null, message: string | null, mark = 0): Timer {
    const t: Timer = { due, seq: this.seq++, kind, cancelled: false, group, user, complaint, message, mark };
    this.timers.push(t);
    return t;
  }

  private activity(g: Group, now: number): number {
    const p = g.posts;
    const cutoff = now - DAY;
    let lo = g.head;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p[mid]! <= cutoff) lo = mid + 1;
      else hi = mid;
    }
    return p.length - lo;
  }

  /** The tier of a group of `members` with `activity` posts a day, or -1 when none fits. */
  private tier(category: string, members: number, activity: number): number {
    if (category === NEWS) return members >= 1 && members <= 200 ? NEWS_SMALL : members >= 201 && members <= 2000 ? NEWS_LARGE : -1;
    if (members >= 1 && members <= 100) return activity >= 5000 ? LARGE : activity >= 1000 ? MEDIUM : SMALL;
    if (members >= 101 && members <= 500) return activity >= 5000 ? LARGE : MEDIUM;
    if (members >= 501 && members <= 2000) return LARGE;
    return -1;
  }

  private decision(ev: Ev, outcome: HwDecision["outcome"], subject: HwSubject, rule: string, reason: string, cites: readonly Cite[], effects: readonly HwEffect[]): HwDecision {
    return { v: 1, event: ev.id, at: ev.at, type: ev.type, outcome, subject, rule, reason, cites, effects, policy: POLICY };
  }

  // -------------------------------------------------------------------------------------------
  // Ungoverned and noted events

  private ungoverned(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const subject = this.subject(ev.type === "complaint.filed" ? str(e, "by") : (str(e, "actor") ?? str(e, "user")), str(e, "group"), str(e, "complaint"));
    this.recordFacts(ev, now);
    const d = this.decision(ev, "ungoverned", subject, "effective/not-yet", `event at ${ev.at} is before the policy takes effect at 2017-10-08T00:00:00+08:00`, C_EFFECTIVE, NO);
    d.policy = null;
    return d;
  }

  private recordFacts(ev: Ev, now: number): void {
    const e = ev.e;
    switch (ev.type) {
      case "user.registered":
        this.user(e["user"] as string);
        return;
      case "user.verified":
        this.user(e["user"] as string).verified = true;
        return;
      case "user.credit":
        this.user(e["user"] as string).credit = LEVEL[e["level"] as string]!;
        return;
      case "agreement.published":
        this.published = { version: e["version"] as string, at: now };
        return;
      case "agreement.accepted": {
        const u = this.user(e["user"] as string);
        if (!u.accepted.includes(e["version"] as string)) u.accepted.push(e["version"] as string);
        return;
      }
      case "group.create": {
        const gid = e["group"] as string;
        if (this.groups.has(gid)) return;
        const u = this.user(e["user"] as string);
        this.groups.set(gid, new Group(e["category"] as string, e["user"] as string, str(e, "name")));
        u.groupsCreated++;
        u.groupsJoined++;
        return;
      }
      case "group.join": {
        const g = this.groups.get(e["group"] as string);
        if (g === undefined || g.members.has(e["user"] as string)) return;
        g.members.set(e["user"] as string, MEMBER);
        this.user(e["user"] as string).groupsJoined++;
        return;
      }
      case "group.leave":
        this.leave(e["user"] as string, e["group"] as string);
        return;
      case "group.info": {
        const g = this.groups.get(e["group"] as string);
        if (g === undefined) return;
        g.name = e["name"] as string;
        g.category = e["category"] as string;
        g.hasInfo = true;
        return;
      }
      case "group.role": {
        const g = this.groups.get(e["group"] as string);
        if (g !== undefined) this.setRole(g, e["user"] as string, e["role"] as string);
        return;
      }
      default:
        return;
    }
  }

  private setRole(g: Group, user: string, role: string): void {
    const cur = g.members.get(user);
    if (role === "manager" && cur === MEMBER) {
      g.members.set(user, MANAGER);
      g.managers++;
    } else if (role === "member" && cur === MANAGER) {
      g.members.set(user, MEMBER);
      g.managers--;
    }
  }

  private removeMember(g: Group, user: string): void {
    const cur = g.members.get(user);
    if (cur === undefined || cur === CREATOR) return;
    g.members.delete(user);
    if (cur === MANAGER) g.managers--;
    const u = this.users.get(user);
    if (u !== undefined && u.groupsJoined > 0) u.groupsJoined--;
  }

  private leave(user: string, gid: string): string {
    this.user(user);
    const g = this.groups.get(gid);
    if (g === undefined) return `group ${gid} is unknown; nothing changes`;
    const r = g.members.get(user);
    if (r === undefined) return `user ${user} is not a member of group ${gid}; nothing changes`;
    if (r === CREATOR) return `the creator ${user} cannot leave group ${gid}; nothing changes`;
    this.removeMember(g, user);
    return `user ${user} left group ${gid}`;
  }

  private judge(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    switch (ev.type) {
      case "group.create":
        return this.create(ev, now);
      case "group.join":
        return this.join(ev, now);
      case "group.info":
        return this.info(ev, now);
      case "group.role":
        return this.roleChange(ev, now);
      case "group.manage":
        return this.manage(ev, now);
      case "message.post":
        return this.post(ev, now);
      case "records.purge":
        return this.purge(ev, now);
      case "user.registered":
        this.recordFacts(ev, now);
        return this.decision(ev, "noted", { user: e["user"] as string }, "facts/registered", `user ${e["user"]} is registered`, NO, NO);
      case "user.verified":
        this.recordFacts(ev, now);
        return this.decision(ev, "noted", { user: e["user"] as string }, "facts/verified", `user ${e["user"]} has a verified real identity`, C_VERIFIED, NO);
      case "user.credit":
        this.recordFacts(ev, now);
        return this.decision(ev, "noted", { user: e["user"] as string }, "facts/credit", `user ${e["user"]} has credit level ${e["level"]}`, C_CREDIT, NO);
      case "agreement.published":
        this.recordFacts(ev, now);
        return this.decision(ev, "noted", {}, "facts/agreement-published", `service agreement version ${e["version"]} is published`, C_AGREEMENT, NO);
      case "agreement.accepted":
        this.recordFacts(ev, now);
        return this.decision(ev, "noted", { user: e["user"] as string }, "facts/agreement-accepted", `user ${e["user"]} accepted service agreement version ${e["version"]}`, C_AGREEMENT, NO);
      case "group.leave": {
        const subject = this.subject(e["user"] as string, e["group"] as string);
        return this.decision(ev, "noted", subject, "groups/leave", this.leave(e["user"] as string, e["group"] as string), C_ROLES, NO);
      }
      case "complaint.filed":
        return this.fileComplaint(ev, now);
      case "complaint.resolved":
        return this.resolveComplaint(ev);
      case "content.flagged":
        return this.flag(ev, now);
      default:
        return this.decision(ev, "noted", {}, "clock/advance", `the clock is at ${fmt(now)}`, NO, NO);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Decided events

  private deny(ev: Ev, subject: HwSubject, rule: string, reason: string, cites: readonly Cite[]): HwDecision {
    return this.decision(ev, "deny", subject, rule, reason, cites, NO);
  }

  private blacklisted(x: User | Group | undefined, now: number): boolean {
    return x !== undefined && x.blUntil > now;
  }

  private create(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const actor = e["user"] as string;
    const gid = e["group"] as string;
    const category = e["category"] as string;
    const subject = this.subject(actor, gid);
    const u = this.users.get(actor);
    if (this.groups.has(gid)) return this.deny(ev, subject, "groups/id-used", `group id ${gid} is already in use`, C_GROUP_ID);
    if (!CATEGORIES.has(category)) return this.deny(ev, subject, "categories/unknown", `category ${category} is not a group category of this policy`, C_TIERS);
    if (!this.accepted(u)) return this.deny(ev, subject, "agreement/create", `user ${actor} has not accepted the current service agreement`, C_AGREEMENT);
    const verified = u !== undefined && u.verified;
    if (!verified) return this.deny(ev, subject, "real-name/create", `user ${actor} has no verified real identity`, C_REAL_NAME);
    if (this.blacklisted(u, now)) return this.deny(ev, subject, "blacklist/user-create", `user ${actor} is blacklisted`, C_BLACKLIST);
    const tier = category === NEWS ? NEWS_SMALL : SMALL;
    const credit = u === undefined ? DEFAULT_CREDIT : u.credit;
    if (u !== undefined && u.creationCancelled) return this.deny(ev, subject, "creation/cancelled", `the creation qualification of user ${actor} is cancelled`, C_CANCELLED);
    if (credit < TIER_MIN_CREDIT[tier]!) return this.deny(ev, subject, `${TIER_RULE[tier]}/create`, `user ${actor} lacks the creator qualification of tier ${TIER_NAMES[tier]}`, C_QUALIFICATION);
    const created = u === undefined ? 0 : u.groupsCreated;
    const cap = credit >= 3 ? 20 : credit >= 2 ? 10 : 3;
    if (created >= cap) return this.deny(ev, subject, "limits/groups-created", `user ${actor} has created ${created} groups, the most allowed at credit ${LEVELS[credit]}`, C_USER_CAPS);
    const joined = u === undefined ? 0 : u.groupsJoined;
    if (joined >= 500) return this.deny(ev, subject, "limits/groups-joined", `user ${actor} is in ${joined} groups, the most allowed at credit ${LEVELS[credit]}`, C_USER_CAPS);
    const me = this.user(actor);
    this.groups.set(gid, new Group(category, actor, str(e, "name")));
    me.groupsCreated++;
    me.groupsJoined++;
    return this.decision(ev, "allow", subject, "permit/group.create", `user ${actor} may create group ${gid} in tier ${TIER_NAMES[tier]}`, C_PERMIT_CREATE, [
      { kind: "tier", group: gid, from: null, to: TIER_NAMES[tier] },
    ]);
  }

  /** Denials every event on an existing group shares: existence, closure. */
  private join(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const actor = e["user"] as string;
    const gid = e["group"] as string;
    const subject = this.subject(actor, gid);
    const g = this.groups.get(gid);
    if (g === undefined) return this.deny(ev, subject, "groups/unknown", `group ${gid} does not exist`, C_GROUP_ID);
    if (g.closed) return this.deny(ev, subject, "measures/group-closed", `group ${gid} is closed`, C_GROUP_MEASURES);
    const u = this.users.get(actor);
    if (!this.accepted(u)) return this.deny(ev, subject, "agreement/join", `user ${actor} has not accepted the current service agreement`, C_AGREEMENT);
    if (this.blacklisted(u, now)) return this.deny(ev, subject, "blacklist/user-join", `user ${actor} is blacklisted`, C_BLACKLIST);
    if (this.blacklisted(g, now)) return this.deny(ev, subject, "blacklist/group-join", `group ${gid} is blacklisted`, C_BLACKLIST);
    if (g.members.has(actor)) return this.deny(ev, subject, "groups/already-member", `user ${actor} is already in group ${gid}`, C_ROLES);
    const before = g.members.size;
    const after = before + 1;
    const act = this.activity(g, now);
    // No tier beyond 2,000 members: the member cap refuses such a join below.
    const to = this.tier(g.category, after, act);
    const from = this.tier(g.category, before, act);
    if (to >= 0 && from !== to) {
      const cu = this.users.get(g.creator);
      const qualified = cu !== undefined && cu.verified && cu.credit >= TIER_MIN_CREDIT[to]! && !cu.creationCancelled;
      if (!qualified) {
        return this.deny(ev, subject, `${TIER_RULE[to]}/grow`, `group ${gid} would grow into tier ${TIER_NAMES[to]}, whose creator qualification its creator ${g.creator} lacks`, C_QUALIFICATION);
      }
    }
    const approver = str(e, "approvedBy");
    if (to >= 0 && TIER_APPROVAL[to]) {
      const ar = this.role(g, approver);
      const au = approver === null ? undefined : this.users.get(approver);
      if (!(approver !== null && (ar === CREATOR || ar === MANAGER) && !(au !== undefined && au.mgmtUntil > now))) {
        return this.deny(ev, subject, `${TIER_RULE[to]}/join-approval`, `joining group ${gid} in tier ${TIER_NAMES[to]} needs approval by its creator or an active manager`, C_APPROVAL);
      }
    }
    if (after > 2000) return this.deny(ev, subject, "limits/member-cap", `group ${gid} already has ${before} members, the most allowed is 2000`, C_MEMBER_CAP);
    const joined = u === undefined ? 0 : u.groupsJoined;
    if (joined >= 500) return this.deny(ev, subject, "limits/groups-joined", `user ${actor} is in ${joined} groups, the most allowed at credit ${LEVELS[u?.credit ?? DEFAULT_CREDIT]}`, C_USER_CAPS);
    if (after >= 100 && !g.hasInfo) return this.deny(ev, subject, "limits/info-page", `group ${gid} needs an info page before it reaches 100 members`, C_INFO_PAGE);
    if (approver !== null) this.user(approver);
    g.members.set(actor, MEMBER);
    this.user(actor).groupsJoined++;
    const effects: HwEffect[] = [];
    if (from !== to) effects.push({ kind: "tier", group: gid, from: from < 0 ? null : TIER_NAMES[from], to: to < 0 ? null : TIER_NAMES[to] });
    if (!g.hasInfo && before < 100 && after >= 100) effects.push({ kind: "obligation", what: "info-page", target: { group: gid } });
    return this.decision(ev, "allow", subject, "permit/group.join", `user ${actor} may join group ${gid}, now ${after} members in tier ${to < 0 ? "none" : TIER_NAMES[to]}`, C_PERMIT_JOIN, effects.length ? effects : NO);
  }

  /** The management checks shared by group.info, group.role and group.manage, after existence, closure and the service checks. */
  private manager(ev: Ev, subject: HwSubject, g: Group, actor: string, u: User | undefined, now: number): HwDecision | null {
    const r = this.role(g, actor);
    if (r === MEMBER || r === NONE) return this.deny(ev, subject, "management/not-a-manager", `user ${actor} is neither the creator nor a manager of group ${ev.e["group"]}`, C_RIGHTS);
    if (u !== undefined && u.mgmtUntil > now) return this.deny(ev, subject, "management/suspended", `the management rights of user ${actor} are suspended`, C_SUSPENDED);
    return null;
  }

  private info(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const actor = e["actor"] as string;
    const gid = e["group"] as string;
    const category = e["category"] as string;
    const subject = this.subject(actor, gid);
    const g = this.groups.get(gid);
    if (g === undefined) return this.deny(ev, subject, "groups/unknown", `group ${gid} does not exist`, C_GROUP_ID);
    if (!CATEGORIES.has(category)) return this.deny(ev, subject, "categories/unknown", `category ${category} is not a group category of this policy`, C_TIERS);
    if (g.closed) return this.deny(ev, subject, "measures/group-closed", `group ${gid} is closed`, C_GROUP_MEASURES);
    const u = this.users.get(actor);
    if (!this.accepted(u)) return this.deny(ev, subject, "agreement/set-info", `user ${actor} has not accepted the current service agreement`, C_AGREEMENT);
    if (!(u !== undefined && u.verified)) return this.deny(ev, subject, "real-name/set-info", `user ${actor} has no verified real identity`, C_REAL_NAME);
    if (this.blacklisted(u, now)) return this.deny(ev, subject, "blacklist/user-set-info", `user ${actor} is blacklisted`, C_BLACKLIST);
    const refused = this.manager(ev, subject, g, actor, u, now);
    if (refused !== null) return refused;
    this.user(actor);
    const act = this.activity(g, now);
    const from = this.tier(g.category, g.members.size, act);
    const to = this.tier(category, g.members.size, act);
    g.name = e["name"] as string;
    g.category = category;
    g.hasInfo = true;
    const effects = from !== to ? [{ kind: "tier", group: gid, from: from < 0 ? null : TIER_NAMES[from], to: to < 0 ? null : TIER_NAMES[to] }] : NO;
    return this.decision(ev, "allow", subject, "permit/group.info", `user ${actor} may set the info page of group ${gid}`, C_PERMIT_INFO, effects);
  }

  private roleChange(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const actor = e["actor"] as string;
    const gid = e["group"] as string;
    const target = e["user"] as string;
    const subject = this.subject(actor, gid);
    const g = this.groups.get(gid);
    if (g === undefined) return this.deny(ev, subject, "groups/unknown", `group ${gid} does not exist`, C_GROUP_ID);
    if (g.closed) return this.deny(ev, subject, "measures/group-closed", `group ${gid} is closed`, C_GROUP_MEASURES);
    const u = this.users.get(actor);
    if (!this.accepted(u)) return this.deny(ev, subject, "agreement/manage", `user ${actor} has not accepted the current service agreement`, C_AGREEMENT);
    if (this.blacklisted(u, now)) return this.deny(ev, subject, "blacklist/user-manage", `user ${actor} is blacklisted`, C_BLACKLIST);
    const refused = this.manager(ev, subject, g, actor, u, now);
    if (refused !== null) return refused;
    const tr = this.role(g, target);
    if (tr === NONE) return this.deny(ev, subject, "management/target-not-member", `user ${target} is not a member of group ${gid}`, C_ROLES);
    if (tr === CREATOR) return this.deny(ev, subject, "management/creator-protected", `the role of ${target}, the creator of group ${gid}, cannot be changed`, C_RIGHTS);
    this.user(actor);
    this.user(target);
    this.setRole(g, target, e["role"] as string);
    return this.decision(ev, "allow", subject, "permit/group.role", `user ${actor} may make ${target} a ${e["role"]} of group ${gid}`, C_PERMIT_MANAGE, NO);
  }

  private manage(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const actor = e["actor"] as string;
    const gid = e["group"] as string;
    const target = e["target"] as string;
    const action = e["action"] as string;
    const subject = this.subject(actor, gid);
    const g = this.groups.get(gid);
    if (g === undefined) return this.deny(ev, subject, "groups/unknown", `group ${gid} does not exist`, C_GROUP_ID);
    if (g.closed) return this.deny(ev, subject, "measures/group-closed", `group ${gid} is closed`, C_GROUP_MEASURES);
    const u = this.users.get(actor);
    if (!this.accepted(u)) return this.deny(ev, subject, "agreement/manage", `user ${actor} has not accepted the current service agreement`, C_AGREEMENT);
    if (this.blacklisted(u, now)) return this.deny(ev, subject, "blacklist/user-manage", `user ${actor} is blacklisted`, C_BLACKLIST);
    const refused = this.manager(ev, subject, g, actor, u, now);
    if (refused !== null) return refused;
    if (action !== "delete-message") {
      const tr = this.role(g, target);
      if (tr === NONE) return this.deny(ev, subject, "management/target-not-member", `user ${target} is not a member of group ${gid}`, C_ROLES);
      if (tr === CREATOR) return this.deny(ev, subject, "management/creator-protected", `${target} is the creator of group ${gid} and cannot be removed or muted`, C_RIGHTS);
    }
    this.user(actor);
    let effects: readonly HwEffect[] = NO;
    if (action === "remove-member") this.removeMember(g, target);
    else if (action === "mute") {
      this.user(target);
      (g.muted ??= new Map()).set(target, now + DAY);
    } else effects = [{ kind: "remove-message", message: target }];
    // A flag is handled when the creator or an active manager acts on its message or user (checked above: the actor is one).
    if (g.pending.length > 0) {
      const byMessage = action === "delete-message";
      const keep: Pending[] = [];
      for (const p of g.pending) {
        if ((byMessage ? p.message : p.user) === target) p.timer.cancelled = true;
        else keep.push(p);
      }
      g.pending = keep;
    }
    return this.decision(ev, "allow", subject, "permit/group.manage", `user ${actor} may ${action} in group ${gid}`, C_PERMIT_MANAGE, effects);
  }

  private post(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const actor = e["user"] as string;
    const gid = e["group"] as string;
    const g = this.groups.get(gid);
    const r = g === undefined ? NONE : (g.members.get(actor) ?? NONE);
    const subject: HwSubject = { user: actor, group: gid, role: ROLE_NAMES[r] };
    if (g === undefined) return this.deny(ev, subject, "groups/unknown", `group ${gid} does not exist`, C_GROUP_ID);
    if (g.closed) return this.deny(ev, subject, "measures/group-closed", `group ${gid} is closed`, C_GROUP_MEASURES);
    const u = this.users.get(actor);
    if (!this.accepted(u)) return this.deny(ev, subject, "agreement/post", `user ${actor} has not accepted the current service agreement`, C_AGREEMENT);
    if (!u!.verified) return this.deny(ev, subject, "real-name/post", `user ${actor} has no verified real identity`, C_REAL_NAME);
    if (u!.blUntil > now) return this.deny(ev, subject, "blacklist/user-post", `user ${actor} is blacklisted`, C_BLACKLIST);
    if (g.blUntil > now) return this.deny(ev, subject, "blacklist/group-post", `group ${gid} is blacklisted`, C_BLACKLIST);
    if (r === NONE) return this.deny(ev, subject, "groups/not-a-member", `user ${actor} is not a member of group ${gid}`, C_ROLES);
    if (g.postUntil > now) return this.deny(ev, subject, "measures/posting-suspended", `posting in group ${gid} is suspended`, C_GROUP_MEASURES);
    if (g.muted !== null && (g.muted.get(actor) ?? 0) > now) return this.deny(ev, subject, "management/muted", `user ${actor} is muted in group ${gid}`, C_RIGHTS);
    if (g.category === NEWS && u!.credit < 1) return this.deny(ev, subject, "news-needs-credit", `user ${actor} needs credit C or better to post in news group ${gid}`, C_NEWS);
    const p = g.posts;
    const cutoff = now - DAY;
    while (g.head < p.length && p[g.head]! <= cutoff) g.head++;
    if (g.head > 64 && g.head * 2 >= p.length) {
      p.splice(0, g.head);
      g.head = 0;
    }
    p.push(now);
    return this.decision(ev, "allow", subject, "permit/message.post", `user ${actor} may post in group ${gid}`, C_PERMIT_POST, NO);
  }

  private purge(ev: Ev, now: number): HwDecision {
    const actor = ev.e["actor"] as string;
    const subject: HwSubject = { user: actor };
    if (ev.beforeMs > addMonths(now, -6)) return this.deny(ev, subject, "retention/purge", "records younger than 6 months cannot be purged", C_RETENTION);
    this.user(actor);
    if (ev.beforeMs > this.purgedBefore) this.purgedBefore = ev.beforeMs;
    return this.decision(ev, "allow", subject, "permit/records.purge", `records before ${fmt(ev.beforeMs)} may be purged`, C_PERMIT_PURGE, NO);
  }

  // -------------------------------------------------------------------------------------------
  // Complaints

  private fileComplaint(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const id = e["complaint"] as string;
    const by = str(e, "by");
    const user = str(e, "user");
    const group = str(e, "group");
    if (by !== null) this.user(by);
    if (user !== null) this.user(user);
    const subject = this.subject(by, group, id);
    if (this.complaints.has(id)) return this.decision(ev, "noted", subject, "complaints/already-filed", `complaint ${id} was already filed; nothing changes`, C_COMPLAINTS, NO);
    const due = now + 48 * HOUR;
    const timer = this.schedule(T.ComplaintDue, due, group, user, id, str(e, "message"));
    this.complaints.set(id, { group, resolved: false, overdue: false, timer });
    const dueText = fmt(due);
    return this.decision(ev, "noted", subject, "complaints/accepted", `complaint ${id} is accepted and must be resolved by ${dueText}`, C_COMPLAINTS, [
      { kind: "obligation", what: "resolve-complaint", complaint: id, due: dueText },
    ]);
  }

  private resolveComplaint(ev: Ev): HwDecision {
    const e = ev.e;
    const id = e["complaint"] as string;
    const actor = e["actor"] as string;
    this.user(actor);
    const cp = this.complaints.get(id);
    if (cp === undefined) return this.decision(ev, "noted", this.subject(actor, null, id), "complaints/unknown", `complaint ${id} was never filed; nothing changes`, C_COMPLAINTS, NO);
    const subject = this.subject(actor, cp.group, id);
    if (cp.resolved) return this.decision(ev, "noted", subject, "complaints/already-resolved", `complaint ${id} is already resolved; nothing changes`, C_COMPLAINTS, NO);
    cp.resolved = true;
    if (cp.timer !== null) cp.timer.cancelled = true;
    cp.timer = null;
    const reason = cp.overdue ? `complaint ${id} is resolved by ${actor}, after its deadline` : `complaint ${id} is resolved by ${actor}`;
    return this.decision(ev, "noted", subject, "complaints/resolved", reason, C_COMPLAINTS, NO);
  }

  // -------------------------------------------------------------------------------------------
  // Flags and measures

  private count(flags: readonly Flag[], now: number, from: number): number {
    let n = 0;
    for (let i = flags.length - 1; i >= 0; i--) {
      const f = flags[i]!;
      if (f.t <= from) break;
      if (f.t <= now && f.sev === 1) n++;
    }
    return n;
  }

  private prune(flags: Flag[], now: number): void {
    const cutoff = now - FLAG_HORIZON;
    let k = 0;
    while (k < flags.length && flags[k]!.t <= cutoff) k++;
    if (k > 0) flags.splice(0, k);
  }

  private flag(ev: Ev, now: number): HwDecision {
    const e = ev.e;
    const gid = e["group"] as string;
    const uid = e["user"] as string;
    const message = e["message"] as string;
    const category = e["category"] as string;
    const subject = this.subject(uid, gid);
    const u = this.user(uid);
    const g = this.groups.get(gid);
    if (g === undefined) return this.decision(ev, "noted", subject, "flags/unknown-group", `message ${message} is flagged in unknown group ${gid}; nothing changes`, C_PROHIBITED, NO);
    const severity = (e["severity"] as string | undefined) ?? FLAG_SEVERITY[category]!;
    const sev = SEVERITY[severity]!;
    this.prune(g.flags, now);
    this.prune(u.flags, now);
    g.flags.push({ t: now, sev, cat: category });
    u.flags.push({ t: now, sev, cat: category });
    g.flagTotal++;
    u.flagTotal++;

    const serious = sev === 1;
    const warn = !serious;
    const close = serious && this.count(g.flags, now, now - 30 * DAY) >= 3;
    const cancel = serious && this.count(u.flags, now, now - 90 * DAY) >= 2;
    const terror = category === "terrorism";
    const effects: HwEffect[] = [{ kind: "remove-message", message }];
    const names: string[] = [];
    const cites: (readonly Cite[])[] = [C_PROHIBITED];
    const record = (): void => {
      effects.push({ kind: "record" }, { kind: "report", to: "authority" });
    };
    if (warn) {
      names.push("warn-on-minor");
      cites.push(C_WARN);
      const due = now + 3 * DAY;
      effects.push({ kind: "measure", target: { group: gid }, measure: "warn" }, { kind: "obligation", what: "rectify", target: { group: gid }, due: fmt(due) });
      this.schedule(T.RectifyDue, due, gid, uid, null, message, g.flagTotal);
      record();
    }
    if (serious) {
      names.push("suspend-on-serious");
      cites.push(C_WARN);
      this.suspendPosting(g, gid, now + 7 * DAY, effects);
      record();
    }
    if (close) {
      names.push("close-on-repeat");
      cites.push(C_CLOSE);
      if (!g.closed) {
        g.closed = true;
        const cu = this.users.get(g.creator);
        if (cu !== undefined && cu.groupsCreated > 0) cu.groupsCreated--;
      }
      effects.push({ kind: "measure", target: { group: gid }, measure: "close-group" });
      this.blacklist(g, { group: gid }, Infinity, gid, null, effects);
      this.blacklist(this.user(g.creator), { user: g.creator }, addMonths(now, 12), null, g.creator, effects);
      record();
    }
    if (serious) {
      names.push("lower-credit-on-serious");
      cites.push(C_LOWER);
      this.lowerCredit(u, uid, effects);
      record();
    }
    if (cancel) {
      names.push("cancel-creation-on-repeat");
      cites.push(C_CANCEL);
      u.creationCancelled = true;
      effects.push({ kind: "measure", target: { user: uid }, measure: "cancel-creation" });
      this.suspendManagement(u, uid, now + 30 * DAY, effects);
      this.blacklist(u, { user: uid }, now + 180 * DAY, null, uid, effects);
      record();
    }
    if (terror) {
      names.push("blacklist-on-terrorism");
      cites.push(C_TERROR);
      this.blacklist(g, { group: gid }, now + 90 * DAY, gid, null, effects);
      this.blacklist(u, { user: uid }, addMonths(now, 12), null, uid, effects);
      record();
    }
    // The deciding measure: most flags counted, then the highest severity, then the first written.
    const rule = close ? "close-on-repeat" : cancel ? "cancel-creation-on-repeat" : serious ? "suspend-on-serious" : warn ? "warn-on-minor" : names.length ? names[0]! : "prohibited/remove";
    let reason = `message ${message} in group ${gid} is flagged as ${category} (${severity}) and removed`;
    if (names.length > 0) reason += names.length === 1 ? `; measure ${rule} applies` : `; measures ${names.join(", ")} apply`;
    const timer = this.schedule(T.ResponsibilityDue, now + DAY, gid, uid, null, message);
    g.pending.push({ timer, message, user: uid });
    return this.decision(ev, "measures", subject, rule, reason, mergeCites(cites), effects);
  }

  private suspendPosting(g: Group, gid: string, end: number, effects: HwEffect[]): void {
    if (g.postUntil < end) {
      if (g.postTimer !== null) g.postTimer.cancelled = true;
      g.postUntil = end;
      g.postTimer = this.schedule(T.PostingResumes, end, gid, null, null, null);
    }
    effects.push({ kind: "measure", target: { group: gid }, measure: "suspend-posting", until: fmt(g.postUntil) });
  }

  private suspendManagement(u: User, uid: string, end: number, effects: HwEffect[]): void {
    if (u.mgmtUntil < end) {
      if (u.mgmtTimer !== null) u.mgmtTimer.cancelled = true;
      u.mgmtUntil = end;
      u.mgmtTimer = this.schedule(T.ManagementRestored, end, null, uid, null, null);
    }
    effects.push({ kind: "measure", target: { user: uid }, measure: "suspend-management", until: fmt(u.mgmtUntil) });
  }

  private lowerCredit(u: User, uid: string, effects: HwEffect[]): void {
    const from = u.credit;
    const to = from > 0 ? from - 1 : 0;
    u.credit = to;
    effects.push({ kind: "measure", target: { user: uid }, measure: "lower-credit", from: LEVELS[from], to: LEVELS[to] });
  }

  /** Blacklists until `end` (Infinity: for ever); never shortens a longer blacklisting. */
  private blacklist(x: User | Group, target: Record<string, string>, end: number, gid: string | null, uid: string | null, effects: HwEffect[]): void {
    if (end === Infinity) {
      if (x.blTimer !== null) x.blTimer.cancelled = true;
      x.blUntil = Infinity;
      x.blTimer = null;
    } else if (x.blUntil !== Infinity && x.blUntil < end) {
      if (x.blTimer !== null) x.blTimer.cancelled = true;
      x.blUntil = end;
      x.blTimer = this.schedule(T.BlacklistLifted, end, gid, uid, null, null);
    }
    effects.push(x.blUntil === Infinity ? { kind: "measure", target, measure: "blacklist" } : { kind: "measure", target, measure: "blacklist", until: fmt(x.blUntil) });
  }

  // -------------------------------------------------------------------------------------------
  // Timers

  private fireDue(now: number, ev: Ev, out: HwDecision[]): void {
    for (;;) {
      const t = this.timers.popDue(now);
      if (t === undefined) return;
      out.push(this.fire(t, ev));
    }
  }

  private timerDecision(t: Timer, ev: Ev, outcome: HwDecision["outcome"], subject: HwSubject, rule: string, reason: string, cites: readonly Cite[], effects: readonly HwEffect[]): HwDecision {
    return { v: 1, event: ev.id, at: ev.at, type: ev.type, trigger: "timer", due: fmt(t.due), outcome, subject, rule, reason, cites, effects, policy: POLICY };
  }

  private fire(t: Timer, ev: Ev): HwDecision {
    const now = t.due;
    switch (t.kind) {
      case T.ComplaintDue: {
        const id = t.complaint!;
        const cp = this.complaints.get(id);
        if (cp !== undefined) {
          cp.overdue = true;
          cp.timer = null;
        }
        const effects = [{ kind: "escalate", what: "complaint", complaint: id }, { kind: "record" }, { kind: "report", to: "authority" }];
        return this.timerDecision(t, ev, "noted", this.subject(t.user, t.group, id), "complaints/overdue", `complaint ${id} was not resolved by ${fmt(t.due)}`, C_COMPLAINTS, effects);
      }
      case T.ResponsibilityDue: {
        const gid = t.group!;
        const g = this.groups.get(gid);
        const effects: HwEffect[] = [];
        if (g !== undefined) {
          g.pending = g.pending.filter((p) => p.timer !== t);
          const managers: string[] = [];
          for (const [id, r] of g.members) if (r === MANAGER) managers.push(id);
          managers.sort();
          for (const m of managers) this.suspendManagement(this.user(m), m, now + 7 * DAY, effects);
          this.lowerCredit(this.user(g.creator), g.creator, effects);
        }
        effects.push({ kind: "record" }, { kind: "report", to: "authority" });
        const reason = `the flag on message ${t.message} in group ${gid} was not handled by its creator or managers by ${fmt(t.due)}`;
        return this.timerDecision(t, ev, "measures", { group: gid }, "responsibility/unhandled", reason, C_RESPONSIBILITY, effects);
      }
      case T.PostingResumes: {
        const g = this.groups.get(t.group!);
        if (g !== undefined && g.postTimer === t) {
          g.postUntil = 0;
          g.postTimer = null;
        }
        return this.timerDecision(t, ev, "noted", { group: t.group! }, "measures/posting-resumes", `posting in group ${t.group} is no longer suspended`, C_GROUP_MEASURES, NO);
      }
      case T.ManagementRestored: {
        const u = this.users.get(t.user!);
        if (u !== undefined && u.mgmtTimer === t) {
          u.mgmtUntil = 0;
          u.mgmtTimer = null;
        }
        return this.timerDecision(t, ev, "noted", { user: t.user! }, "measures/management-restored", `management rights of user ${t.user} are restored`, C_USER_MEASURES, NO);
      }
      case T.BlacklistLifted: {
        const x = t.group !== null ? this.groups.get(t.group) : this.users.get(t.user!);
        if (x !== undefined && x.blTimer === t) {
          x.blUntil = 0;
          x.blTimer = null;
        }
        const subject: HwSubject = t.group !== null ? { group: t.group } : { user: t.user! };
        const who = t.group !== null ? `group ${t.group}` : `user ${t.user}`;
        return this.timerDecision(t, ev, "noted", subject, "measures/blacklist-lifted", `${who} is no longer blacklisted`, C_BLACKLIST, NO);
      }
      case T.RectifyDue: {
        const gid = t.group!;
        const g = this.groups.get(gid);
        if (g !== undefined && g.flagTotal > t.mark) {
          const effects: HwEffect[] = [];
          this.suspendPosting(g, gid, now + 3 * DAY, effects);
          effects.push({ kind: "record" }, { kind: "report", to: "authority" });
          return this.timerDecision(t, ev, "measures", { group: gid }, "warn-on-minor/rectify", `group ${gid} was flagged again after the warning of warn-on-minor and did not rectify by ${fmt(t.due)}`, C_WARN, effects);
        }
        return this.timerDecision(t, ev, "noted", { group: gid }, "warn-on-minor/rectified", `group ${gid} was not flagged again after the warning of warn-on-minor until ${fmt(t.due)}`, C_WARN, NO);
      }
    }
  }
}

interface Ev {
  id: string;
  type: string;
  at: string;
  atMs: number;
  beforeMs: number;
  e: Fields;
}

function mergeCites(lists: readonly (readonly Cite[])[]): Cite[] {
  const seen = new Map<string, Cite>();
  for (const l of lists) for (const x of l) if (!seen.has(x.req)) seen.set(x.req, x);
  return [...seen.values()].sort((a, b) => a.article - b.article || (a.req < b.req ? -1 : a.req > b.req ? 1 : 0));
}
