/**
 * Rules, conditions, triggers and actions of the IR in plain English, for reviewers who do not read
 * the policy language: `not actor.verified` on `message.post` becomes "Deny message.post when the
 * user has no verified real identity". The output is plain text (callers escape it for HTML or
 * Markdown); every number the platform chose (caps, thresholds, windows, deadlines) is kept.
 *
 * The wording is faithful to the engine's semantics (docs/engine.md): a negated comparison is said
 * as "is not at least", never inverted into "is below", because a comparison with no value (a
 * creator who does not exist) is false either way round.
 */
import type { ActionIR, DurationIR, ExprIR, MeasureIR, RuleIR, SteppedIR, TargetName, TemplatePart, TriggerIR } from "../ir/types.js";

/** `3 days`, `1 hour`, `6 months`. */
export function duration(d: DurationIR): string {
  return `${d.amount} ${d.unit}${d.amount === 1 ? "" : "s"}`;
}

/** Milliseconds as the largest exact unit: 300000 → `5 minutes`. */
export function durationMs(ms: number): string {
  if (ms === 0) return "none";
  const units: [number, string][] = [
    [7 * 86_400_000, "week"],
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1000, "second"],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size} ${unit}${ms / size === 1 ? "" : "s"}`;
  return `${ms} ms`;
}

/** A list in prose: `a`, `a and b`, `a, b and c`. */
export function list(items: readonly string[], last = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${last} ${items[items.length - 1]}`;
}

const ROOT_NOUN: Record<string, string> = {
  actor: "the user",
  user: "the user",
  target: "the target user",
  approver: "the approver",
  creator: "the group's creator",
  group: "the group",
};

const POSSESSIVE: Record<string, string> = {
  actor: "the user's",
  user: "the user's",
  target: "the target user's",
  approver: "the approver's",
  creator: "the creator's",
  group: "the group's",
};

/** Boolean fields of a user: [holds, does not hold], after the root noun. */
const USER_BOOL: Record<string, [string, string]> = {
  verified: ["has a verified real identity", "has no verified real identity"],
  "agreement-accepted": ["has accepted the current service agreement", "has not accepted the current service agreement"],
  blacklisted: ["is blacklisted", "is not blacklisted"],
  "management-suspended": ["has management rights suspended", "does not have management rights suspended"],
  "creation-cancelled": ["has had the creation qualification cancelled", "has not had the creation qualification cancelled"],
  muted: ["is muted in the group", "is not muted in the group"],
};

const GROUP_BOOL: Record<string, [string, string]> = {
  exists: ["exists", "does not exist"],
  "id-used": ["has an id already in use (closed groups included)", "has an id never used before"],
  "category-known": ["has a category declared by this policy", "has a category this policy does not declare"],
  closed: ["is closed", "is not closed"],
  blacklisted: ["is blacklisted", "is not blacklisted"],
  "posting-suspended": ["has posting suspended", "does not have posting suspended"],
  "has-info-page": ["has an info page", "has no info page"],
};

const EVENT_BOOL: Record<string, [string, string]> = {
  "event.approved": ["the join names an approver", "the join names no approver"],
};

const USER_NOUN: Record<string, string> = {
  credit: "credit level",
  "groups-created": "number of groups created",
  "groups-joined": "number of groups joined",
  role: "role in the group",
  "account-age": "account age",
  flags: "flags",
};

const GROUP_NOUN: Record<string, string> = {
  members: "member count",
  "members-after": "member count after the event",
  tier: "tier",
  "tier-after": "tier after the event",
  category: "category",
  managers: "number of managers",
  age: "age",
  activity: "messages in the last 24 hours",
  flags: "flags",
};

const EVENT_NOUN: Record<string, string> = {
  "event.at": "the event's time",
  "event.action": "the management action",
  "event.role": "the role granted",
  "event.before": "the purge cutoff",
  now: "now",
};

function splitPath(path: string): [root: string, field: string] {
  const dot = path.indexOf(".");
  return dot < 0 ? [path, ""] : [path.slice(0, dot), path.slice(dot + 1)];
}

/** Count fields said around their owner: `actor.groups-created` → "the number of groups the user has created". */
const OWNED_COUNT: Record<string, (owner: string) => string> = {
  "groups-created": (o) => `the number of groups ${o} has created`,
  "groups-joined": (o) => `the number of groups ${o} is in`,
};

/** The noun phrase of a path: `group.members-after` → "the group's member count after the event". */
export function pathNoun(path: string): string {
  if (EVENT_NOUN[path]) return EVENT_NOUN[path]!;
  const [root, field] = splitPath(path);
  if (field === "") return ROOT_NOUN[root] ?? path;
  const owned = OWNED_COUNT[field];
  if (owned && root !== "group" && ROOT_NOUN[root]) return owned(ROOT_NOUN[root]!);
  if (field === "flags") return root === "group" ? "the number of flags in the group" : `the number of flags against ${ROOT_NOUN[root] ?? root}`;
  const noun = root === "group" ? GROUP_NOUN[field] : USER_NOUN[field];
  const owner = POSSESSIVE[root];
  if (noun && owner) return `${owner} ${noun}`;
  return path;
}

/** A boolean path as a clause, holding or not: `actor.verified`, false → "the user has no verified real identity". */
function boolClause(path: string, holds: boolean): string {
  const ev = EVENT_BOOL[path];
  if (ev) return ev[holds ? 0 : 1];
  const [root, field] = splitPath(path);
  const table = root === "group" ? GROUP_BOOL : USER_BOOL;
  const pair = table[field];
  const subject = ROOT_NOUN[root];
  if (pair && subject) return `${subject} ${pair[holds ? 0 : 1]}`;
  return holds ? `${pathNoun(path)} holds` : `${pathNoun(path)} does not hold`;
}

type Kind = "count" | "time" | "duration" | "order" | "plain";

function kindOf(e: ExprIR): Kind {
  switch (e.kind) {
    case "lit":
      return e.type === "count" ? "count" : e.type === "level" || e.type === "tier" || e.type === "severity" || e.type === "role" ? "order" : "plain";
    case "duration":
      return "duration";
    case "time":
      return "time";
    case "path":
    case "if":
    case "arith":
      return e.type === "count" ? "count" : e.type === "time" ? "time" : e.type === "duration" ? "duration" : e.type === "level" || e.type === "tier" || e.type === "severity" || e.type === "role" ? "order" : "plain";
    case "window":
      return "count";
    default:
      return "plain";
  }
}

const OPS: Record<Kind, Record<string, [string, string]>> = {
  count: { "==": ["is", "is not"], "!=": ["is not", "is"], "<": ["is fewer than", "is not fewer than"], "<=": ["is at most", "is not at most"], ">": ["is more than", "is not more than"], ">=": ["is at least", "is not at least"] },
  time: { "==": ["is", "is not"], "!=": ["is not", "is"], "<": ["is earlier than", "is not earlier than"], "<=": ["is at or before", "is not at or before"], ">": ["is later than", "is not later than"], ">=": ["is at or after", "is not at or after"] },
  duration: { "==": ["is", "is not"], "!=": ["is not", "is"], "<": ["is shorter than", "is not shorter than"], "<=": ["is at most", "is not at most"], ">": ["is longer than", "is not longer than"], ">=": ["is at least", "is not at least"] },
  order: { "==": ["is", "is not"], "!=": ["is not", "is"], "<": ["is below", "is not below"], "<=": ["is at most", "is not at most"], ">": ["is above", "is not above"], ">=": ["is at least", "is not at least"] },
  plain: { "==": ["is", "is not"], "!=": ["is not", "is"], "<": ["is less than", "is not less than"], "<=": ["is at most", "is not at most"], ">": ["is more than", "is not more than"], ">=": ["is at least", "is not at least"] },
};

/** A value (the right-hand side of a comparison, an item of a list). */
export function value(e: ExprIR): string {
  switch (e.kind) {
    case "lit":
      if (e.type === "bool") return e.value ? "true" : "false";
      if (e.type === "tier" && e.value === "none") return "no tier";
      if (e.type === "string") return JSON.stringify(e.value);
      return String(e.value);
    case "duration":
      return duration(e);
    case "time":
      return e.value;
    case "path":
      return pathNoun(e.path);
    case "window":
      return `${pathNoun(e.path)} within the last ${duration(e.within)}`;
    case "arith":
      if (e.left.kind === "path" && e.left.path === "now" && e.right.kind === "duration") return `${duration(e.right)} ${e.op === "-" ? "before" : "after"} now`;
      return `${value(e.left)} ${e.op === "-" ? "minus" : "plus"} ${value(e.right)}`;
    case "if": {
      const arms: string[] = [];
      let cur: ExprIR = e;
      while (cur.kind === "if") {
        arms.push(`${value(cur.then)} when ${condition(cur.cond)}`);
        cur = cur.else;
      }
      arms.push(`otherwise ${value(cur)}`);
      return `${arms.join("; ")}`;
    }
    default:
      return `(${condition(e)})`;
  }
}

/** A role comparison said the way people say it: `actor.role == none` → "the user is not a member of the group". */
function roleClause(e: Extract<ExprIR, { kind: "cmp" }>, holds: boolean): string | undefined {
  if (e.left.kind !== "path" || e.right.kind !== "lit" || e.right.type !== "role") return undefined;
  const [root, field] = splitPath(e.left.path);
  if (field !== "role" || !ROOT_NOUN[root]) return undefined;
  const subject = ROOT_NOUN[root]!;
  const isOp = e.op === "==" ? holds : e.op === "!=" ? !holds : undefined;
  if (isOp === undefined) return undefined;
  const role = e.right.value;
  if (role === "none") return `${subject} ${isOp ? "is not" : "is"} a member of the group`;
  return `${subject} ${isOp ? "is" : "is not"} the group's ${role}`;
}

function cmpClause(e: Extract<ExprIR, { kind: "cmp" }>, holds: boolean): string {
  const role = roleClause(e, holds);
  if (role) return role;
  const k = kindOf(e.left) === "plain" ? kindOf(e.right) : kindOf(e.left);
  const [yes, no] = OPS[k][e.op]!;
  const right = e.right.kind === "if" ? `the cap for their credit (${value(e.right)})` : value(e.right);
  return `${value(e.left)} ${holds ? yes : no} ${right}`;
}

/** A condition as a clause, holding (`holds`) or negated; negation is pushed inwards (De Morgan). */
function clause(e: ExprIR, holds: boolean, depth: number): string {
  switch (e.kind) {
    case "lit":
      if (e.type === "bool") return e.value === holds ? "always" : "never";
      return holds ? value(e) : `not ${value(e)}`;
    case "path":
      if (e.type === "bool") return boolClause(e.path, holds);
      return holds ? `${pathNoun(e.path)} holds` : `${pathNoun(e.path)} does not hold`;
    case "not":
      return clause(e.arg, !holds, depth);
    case "and":
    case "or": {
      const conj = (e.kind === "and") === holds ? "and" : "or";
      const parts = e.args.map((a) => {
        const inner = clause(a, holds, depth + 1);
        const nested = (a.kind === "and" || a.kind === "or" || (a.kind === "not" && (a.arg.kind === "and" || a.arg.kind === "or"))) && a.kind !== e.kind;
        return nested ? `(${inner})` : inner;
      });
      if (conj === "or" && parts.length > 1) return `either ${list(parts, "or")}`;
      return list(parts, "and");
    }
    case "cmp":
      return cmpClause(e, holds);
    case "in": {
      const member = e.negated !== holds;
      const items = e.items.map(value);
      if (items.length === 1) return `${value(e.left)} ${member ? "is" : "is not"} ${items[0]}`;
      if (items.length === 2) return `${value(e.left)} ${member ? `is either ${items[0]} or` : `is neither ${items[0]} nor`} ${items[1]}`;
      return `${value(e.left)} ${member ? "is one of" : "is none of"} ${list(items, member ? "or" : "and")}`;
    }
    case "between": {
      const inside = e.negated !== holds;
      return `${value(e.left)} ${inside ? "is between" : "is not between"} ${e.from} and ${e.to}`;
    }
    case "window":
      return `${value(e)} ${holds ? "is more than 0" : "is 0"}`;
    default:
      return holds ? value(e) : `not ${value(e)}`;
  }
}

/** A condition in plain English. */
export function condition(e: ExprIR): string {
  return clause(e, true, 0);
}

/** The events a rule is on: `group.join`, `group.role or group.manage`. */
export function events(on: readonly string[]): string {
  return list([...on], "or");
}

/** "Deny message.post when the user has no verified real identity." */
export function ruleSentence(r: RuleIR): string {
  const verb = r.effect === "deny" ? "Deny" : "Allow";
  if (r.when.kind === "lit" && r.when.type === "bool" && r.when.value) {
    return r.origin === "permit" ? `Allow ${events(r.on)} when no deny rule applies.` : `${verb} ${events(r.on)} always.`;
  }
  return `${verb} ${events(r.on)} when ${condition(r.when)}.`;
}

/** A `because` template with its placeholders shown as `{path}`. */
export function template(parts: readonly TemplatePart[]): string {
  return parts.map((p) => (typeof p === "string" ? p : `{${p.path}}`)).join("");
}

const TARGET: Record<TargetName, string> = {
  group: "the group",
  user: "the flagged user",
  creator: "the group's creator",
  managers: "every manager of the group",
};

/** Targets in a complaint's `otherwise`: the complaint's group and user. */
const COMPLAINT_TARGET: Record<TargetName, string> = {
  group: "the group complained about",
  user: "the user complained about",
  creator: "the group's creator",
  managers: "every manager of the group",
};

/** Whose targets an action names: a flag's group and user, a complaint's, or a responsibility timer's. */
export type ActionContext = "flag" | "complaint" | "responsibility";

/** One action: "suspend posting in the group for 7 days". */
export function action(a: ActionIR, ctx: ActionContext = "flag"): string {
  const t = (name: TargetName) => (ctx === "complaint" ? COMPLAINT_TARGET : TARGET)[name];
  switch (a.kind) {
    case "warn": {
      const base = `warn ${t(a.target)}`;
      if (!a.rectifyWithin) return base;
      const otherwise = a.otherwise.length ? ` (if it is flagged again within that time: ${actions(a.otherwise, ctx)})` : "";
      return `${base} and order it to rectify within ${duration(a.rectifyWithin)}${otherwise}`;
    }
    case "suspend-posting":
      return `suspend posting in ${t(a.target)} for ${duration(a.duration)}`;
    case "close-group":
      return `close ${t(a.target)}`;
    case "blacklist":
      return `blacklist ${t(a.target)}${a.duration ? ` for ${duration(a.duration)}` : " with no end date"}`;
    case "lower-credit":
      return `lower the credit of ${t(a.target)} by ${a.by} level${a.by === 1 ? "" : "s"}`;
    case "suspend-management":
      return `suspend the management rights of ${t(a.target)} for ${duration(a.duration)}`;
    case "cancel-creation":
      return `cancel the group-creation qualification of ${t(a.target)}`;
    case "record":
      return "keep a record";
    case "report":
      return `report to ${a.to}`;
    case "escalate":
      return "escalate";
  }
}

/** Actions joined: "close the group, blacklist the group with no end date, keep a record and report to authority". */
export function actions(as: readonly ActionIR[], ctx: ActionContext = "flag"): string {
  return list(as.map((a) => action(a, ctx)));
}

/** A measure's trigger: "3 flags of severity serious in the same group within 30 days". */
export function trigger(t: TriggerIR): string {
  const sev = t.severity === null ? "" : t.severityOp === ">=" ? ` of severity ${t.severity} or worse` : ` of severity ${t.severity}`;
  const cats = t.categories.length ? ` of category ${list(t.categories, "or")}` : "";
  if (t.count === 1) return `a flag${cats}${sev}`;
  const scope = t.scope === "group" ? "in the same group" : "against the same user";
  return `${t.count} flags${cats}${sev} ${scope}${t.within ? ` within ${duration(t.within)}` : " (ever)"}`;
}

/** "When a flag of severity minor: warn the group …". */
export function measureSentence(m: MeasureIR): string {
  return `On ${trigger(m.trigger)}: ${actions(m.actions)}.`;
}

/** A credit-stepped cap: "3; 10 from credit B; 20 from credit A". */
export function stepped(s: SteppedIR): string {
  return [String(s.base), ...s.steps.map((x) => `${x.value} from credit ${x.atLeast}`)].join("; ");
}

/** Service names as the regulation's functions. */
export const SERVICE_TEXT: Record<string, string> = {
  create: "create groups",
  join: "join groups",
  post: "post messages",
  manage: "manage groups (roles, removals, mutes)",
  "set-info": "set group information",
};

/** Services as the functions a user gets or loses: "post messages, create groups and set group information". */
export function services(ss: readonly string[]): string {
  return list(ss.map((s) => SERVICE_TEXT[s] ?? s));
}

/** What a blacklisted group loses, per service. */
export const GROUP_SERVICE_TEXT: Record<string, string> = {
  create: "be created again",
  join: "take new members",
  post: "take new messages",
  manage: "be managed",
  "set-info": "change its information",
};

/** Services a blacklisted group loses: "take new members and take new messages". */
export function groupServices(ss: readonly string[]): string {
  return list(ss.map((s) => GROUP_SERVICE_TEXT[s] ?? s));
}
