/**
 * The policy test file format (docs/testing.md): a YAML file beside a policy names the policy and
 * lists tests; each test is a start time and steps (events, clock advances), each step with
 * optional expectations on its decision, on the timer decisions it fired, and on the state after
 * it. This module turns the YAML into a checked {@link TestFile}: fixtures (`use`) and loops
 * (`repeat`) are expanded here, every problem is reported with file:line:col, nothing throws.
 * Times are kept as text: the runner resolves them in the policy's zone.
 */
import type { Node } from "yaml";
import { requirement, REQUIREMENTS } from "../law/articles.js";
import { EVENT_FIELDS, EVENT_TYPES, type EventFieldSpec, type EventType } from "../vocab/events.js";
import { isSanction } from "../vocab/actions.js";
import { closest, unknownKey, YamlReader, type Entry, type Pos, type Problem } from "./yaml.js";

/** The language's units, plus seconds (tests sometimes need events closer than a minute). */
export type DurationUnit = "second" | "minute" | "hour" | "day" | "week" | "month" | "year";
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

/** A time as written: RFC 3339 with offset (kept verbatim), or a local date-time in the policy's zone. */
export interface TimeText {
  text: string;
  pos: Pos;
}

export type When =
  | { kind: "next" }
  | { kind: "at"; time: TimeText }
  | { kind: "after"; duration: Duration[]; text: string; pos: Pos };

export const OUTCOMES = ["allow", "deny", "noted", "measures", "ungoverned"] as const;

export interface EffectExpect {
  pos: Pos;
  /** Expected fields; `target` may be an id (matches a user or a group) or `{user|group: id}`. */
  fields: Record<string, unknown>;
  /** As the author wrote it, for messages. */
  text: string;
}

export interface DecisionExpect {
  pos: Pos;
  outcome?: string;
  rule?: string;
  cites?: string[];
  /** Null: `effects: []` (no effects at all). */
  effects?: EffectExpect[];
  reason?: string;
  subject?: Record<string, string>;
  due?: TimeText;
  policy?: string;
  /** Texts that must not appear anywhere in the decision (personal information, A6.pii). */
  excludes?: string[];
  /** The event must be rejected at intake, with a reason containing this text. */
  deadLetter?: string;
}

export type StateValue =
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: number }
  | { kind: "text"; value: string | null }
  | { kind: "time"; value: TimeText | null }
  | { kind: "list"; value: string[] }
  | { kind: "roles"; value: Record<string, string> }
  | { kind: "timers"; value: Record<string, string>[] };

export interface StateFieldExpect {
  pos: Pos;
  value: StateValue;
}

export interface StateExpect {
  pos: Pos;
  top: Record<string, StateFieldExpect>;
  groups: Record<string, { pos: Pos; fields: Record<string, StateFieldExpect> }>;
  users: Record<string, { pos: Pos; fields: Record<string, StateFieldExpect> }>;
  complaints: Record<string, { pos: Pos; fields: Record<string, StateFieldExpect> }>;
}

export interface Step {
  pos: Pos;
  /** `event`: an event built from fields; `raw`: a JSON line given verbatim (intake tests). */
  kind: "event" | "raw";
  type: EventType;
  id: string | null;
  when: When;
  /** Event fields besides id, type and at. */
  fields: Record<string, unknown>;
  raw: string | null;
  /** How the step reads in reports: `group.join`, `advance 49 hours`. */
  label: string;
  expect: DecisionExpect | null;
  /** Null: not checked. Otherwise exactly these timer decisions, in order. */
  timers: DecisionExpect[] | null;
  state: StateExpect | null;
}

export interface TestCase {
  name: string;
  pos: Pos;
  start: TimeText | null;
  steps: Step[];
  state: StateExpect | null;
}

export interface TestFile {
  file: string;
  /** As written (relative to the test file). */
  policy: string | null;
  policyPos: Pos;
  tests: TestCase[];
}

export interface ParseResult {
  file: TestFile | null;
  problems: Problem[];
}

const FILE_KEYS = ["policy", "start", "setup", "fixtures", "tests"];
const TEST_KEYS = ["name", "start", "steps", "state"];
const CONTROL_KEYS = ["id", "at", "after", "expect", "timers", "state"];
const EXPECT_KEYS = ["outcome", "rule", "cites", "effects", "reason", "subject", "policy", "excludes", "dead-letter"];
const TIMER_KEYS = [...EXPECT_KEYS.filter((k) => k !== "dead-letter"), "due"];
const SUBJECT_KEYS = ["user", "group", "role", "complaint"];
const MAX_REPEAT = 100_000;
const MAX_STEPS = 1_000_000;

const GROUP_FIELDS: Record<string, StateValue["kind"]> = {
  exists: "bool",
  category: "text",
  creator: "text",
  name: "text",
  members: "int",
  managers: "int",
  roles: "roles",
  tier: "text",
  activity: "int",
  closed: "bool",
  blacklisted: "bool",
  "posting-suspended": "bool",
  "has-info-page": "bool",
  flags: "int",
  muted: "list",
};

const USER_FIELDS: Record<string, StateValue["kind"]> = {
  known: "bool",
  verified: "bool",
  credit: "text",
  "agreement-accepted": "bool",
  accepted: "list",
  "groups-created": "int",
  "groups-joined": "int",
  blacklisted: "bool",
  "management-suspended": "bool",
  "creation-cancelled": "bool",
  flags: "int",
};

const COMPLAINT_FIELDS: Record<string, StateValue["kind"]> = {
  filed: "bool",
  resolved: "bool",
  overdue: "bool",
  due: "time",
};

const TOP_FIELDS: Record<string, StateValue["kind"]> = {
  clock: "time",
  agreement: "text",
  "purged-before": "time",
  timers: "timers",
};

export const STATE_FIELDS = { groups: GROUP_FIELDS, users: USER_FIELDS, complaints: COMPLAINT_FIELDS, top: TOP_FIELDS } as const;

const DURATION = /(\d+)\s*(second|minute|hour|day|week|month|year)s?/gy;

/** `49 hours`, `1 day 2 hours`, `6 months`; undefined when the text is not a duration. */
export function parseDuration(text: string): Duration[] | undefined {
  const s = text.trim();
  if (s === "") return undefined;
  const out: Duration[] = [];
  DURATION.lastIndex = 0;
  let i = 0;
  while (i < s.length) {
    while (s[i] === " " || s[i] === ",") i++;
    if (i >= s.length) break;
    DURATION.lastIndex = i;
    const m = DURATION.exec(s);
    if (!m) return undefined;
    out.push({ amount: Number(m[1]), unit: m[2] as DurationUnit });
    i = DURATION.lastIndex;
  }
  return out.length ? out : undefined;
}

type Vars = Readonly<Record<string, string>>;

/** Replaces `{name}` by the value of a variable in scope; other braces are left alone. */
function subst(text: string, vars: Vars): string {
  if (!text.includes("{")) return text;
  return text.replace(/\{([A-Za-z_][\w-]*)\}/g, (all, name: string) => vars[name] ?? all);
}

class Parser {
  private steps = 0;
  private readonly fixtures = new Map<string, { node: Node | null; pos: Pos }>();
  private readonly active: string[] = [];

  constructor(readonly r: YamlReader) {}

  parse(): TestFile | null {
    const r = this.r;
    if (r.root === null) {
      if (r.problems.length === 0) r.error({ file: r.file, line: 1, col: 1 }, "the test file is empty");
      return null;
    }
    const entries = r.map(r.root, "a test file");
    if (!entries) return null;
    const get = (k: string): Entry | undefined => entries.find((e) => e.key === k);
    for (const e of entries) if (!FILE_KEYS.includes(e.key)) unknownKey(r, e, "the test file", FILE_KEYS);
    const policyE = get("policy");
    const policy = policyE ? r.str(policyE.value, "`policy`", policyE.pos) : null;
    if (!policyE) r.error(r.root, "the test file does not name its policy: add `policy: <file>.qg` (relative to this file)");
    const fileStart = get("start") ? this.time(get("start")!, {}) : null;
    const fx = get("fixtures");
    if (fx) {
      for (const e of r.map(fx.value, "`fixtures`", fx.pos) ?? []) {
        if (this.fixtures.has(e.key)) r.error(e.keyPos, `fixture \`${e.key}\` is defined twice`);
        this.fixtures.set(e.key, { node: e.value, pos: e.pos });
      }
    }
    const setupE = get("setup");
    const testsE = get("tests");
    const tests: TestCase[] = [];
    if (!testsE) r.error(r.root, "the test file has no `tests` list");
    else {
      const names = new Map<string, Pos>();
      for (const node of r.seq(testsE.value, "`tests`", testsE.pos) ?? []) {
        const t = this.test(node, fileStart, setupE ?? null);
        if (!t) continue;
        const prev = names.get(t.name);
        if (prev) r.error(t.pos, `test name \`${t.name}\` is used twice (first at line ${prev.line})`);
        else names.set(t.name, t.pos);
        tests.push(t);
      }
    }
    return { file: r.file, policy, policyPos: policyE?.pos ?? r.pos(r.root), tests };
  }

  private test(node: Node | null, fileStart: TimeText | null, setup: Entry | null): TestCase | null {
    const r = this.r;
    const entries = r.map(node, "a test");
    if (!entries) return null;
    const pos = r.pos(node);
    const get = (k: string): Entry | undefined => entries.find((e) => e.key === k);
    for (const e of entries) if (!TEST_KEYS.includes(e.key)) unknownKey(r, e, "a test", TEST_KEYS);
    const nameE = get("name");
    const name = nameE ? r.str(nameE.value, "`name`", nameE.pos) : null;
    if (!nameE) r.error(node, "a test needs a `name` (start it with the requirement id it tests, e.g. `A8.member-cap: …`)");
    else if (name !== null) this.checkName(name, nameE.value);
    const start = get("start") ? this.time(get("start")!, {}) : fileStart;
    if (!start) r.error(node, "a test needs a `start` time (or give one `start` for the whole file)");
    const steps: Step[] = [];
    if (setup) this.stepList(setup.value, {}, steps, setup.pos);
    const stepsE = get("steps");
    if (!stepsE) r.error(node, "a test needs `steps`");
    else this.stepList(stepsE.value, {}, steps, stepsE.pos);
    const stateE = get("state");
    const state = stateE ? this.state(stateE.value, {}, stateE.pos) : null;
    return { name: name ?? "(unnamed)", pos, start, steps, state };
  }

  private checkName(name: string, node: Node | null): void {
    const m = /^(A\d+\.[a-z][a-z0-9-]*)(?=[:\s,]|$)/.exec(name);
    if (!m) {
      this.r.error(node, "a test name starts with the requirement id it tests, e.g. `A8.member-cap: a join beyond the cap is denied`");
      return;
    }
    if (!requirement(m[1]!)) {
      const hint = closest(m[1]!, REQUIREMENTS.map((q) => q.id));
      this.r.error(node, `unknown requirement id \`${m[1]}\` in the test name${hint ? ` (did you mean \`${hint}\`?)` : ""}`);
    }
  }

  private time(e: Entry, vars: Vars): TimeText | null {
    const text = this.r.str(e.value, `\`${e.key}\``, e.pos);
    return text === null ? null : { text: subst(text, vars), pos: this.r.pos(e.value, e.pos) };
  }

  private stepList(node: Node | null, vars: Vars, out: Step[], at: Pos): void {
    for (const item of this.r.seq(node, "steps", at) ?? []) this.step(item, vars, out);
  }

  private step(node: Node | null, vars: Vars, out: Step[]): void {
    const r = this.r;
    const entries = r.map(node, "a step");
    if (!entries) return;
    const pos = r.pos(node);
    const has = (k: string): boolean => entries.some((e) => e.key === k);
    const get = (k: string): Entry | undefined => entries.find((e) => e.key === k);
    if (has("use")) return this.use(entries, vars, out, pos);
    if (has("repeat")) return this.repeat(entries, vars, out, pos);
    if (++this.steps > MAX_STEPS) {
      if (this.steps === MAX_STEPS + 1) r.error(pos, `more than ${MAX_STEPS} steps in one file`);
      return;
    }
    const forms = ["type", "advance", "raw"].filter(has);
    if (forms.length !== 1) {
      r.error(node, forms.length === 0 ? "a step needs `type` (an event), `advance` (a clock event), `raw` (a JSON line), `use` (a fixture) or `repeat`" : `a step has only one of ${forms.map((f) => `\`${f}\``).join(", ")}`);
      return;
    }
    const form = forms[0]!;
    let when: When = { kind: "next" };
    if (has("at") && has("after")) r.error(get("after")!.keyPos, "a step has `at` or `after`, not both");
    if (has("at")) {
      const t = this.time(get("at")!, vars);
      if (t) when = { kind: "at", time: t };
    } else if (has("after")) {
      const e = get("after")!;
      const text = r.str(e.value, "`after`", e.pos);
      const d = text === null ? undefined : parseDuration(subst(text, vars));
      if (text !== null && !d) r.error(e.value, `\`after\` takes a duration such as \`2 hours\` or \`3 days\`, got \`${text}\``);
      if (d && text !== null) when = { kind: "after", duration: d, text: subst(text, vars), pos: r.pos(e.value) };
    }
    const idE = get("id");
    const id = idE ? r.str(idE.value, "`id`", idE.pos) : null;
    const expectE = get("expect");
    const timersE = get("timers");
    const stateE = get("state");
    const base = {
      pos,
      id: id === null ? null : subst(id, vars),
      expect: expectE ? this.expect(expectE.value, vars, expectE.pos, false) : null,
      timers: timersE ? this.timers(timersE.value, vars, timersE.pos) : null,
      state: stateE ? this.state(stateE.value, vars, stateE.pos) : null,
    };
    if (form === "advance") {
      for (const e of entries) if (e.key !== "advance" && !CONTROL_KEYS.includes(e.key)) unknownKey(r, e, "an `advance` step", ["advance", ...CONTROL_KEYS]);
      const e = get("advance")!;
      if (has("at") || has("after")) r.error(e.keyPos, "an `advance` step takes its time from the duration; drop `at`/`after` (or write `type: clock` with `at`)");
      const text = r.str(e.value, "`advance`", e.pos);
      const d = text === null ? undefined : parseDuration(subst(text, vars));
      if (text !== null && !d) r.error(e.value, `\`advance\` takes a duration such as \`49 hours\` or \`6 months\`, got \`${text}\``);
      if (!d || text === null) return;
      out.push({ ...base, kind: "event", type: "clock", when: { kind: "after", duration: d, text: subst(text, vars), pos: r.pos(e.value) }, fields: {}, raw: null, label: `advance ${subst(text, vars)}` });
      return;
    }
    if (form === "raw") {
      for (const e of entries) if (e.key !== "raw" && !["expect", "timers", "state"].includes(e.key)) unknownKey(r, e, "a `raw` step", ["raw", "expect", "timers", "state"]);
      const e = get("raw")!;
      const text = r.str(e.value, "`raw`", e.pos);
      if (text === null) return;
      out.push({ ...base, id: null, kind: "raw", type: "clock", when: { kind: "next" }, fields: {}, raw: subst(text, vars), label: "raw line" });
      return;
    }
    const typeE = get("type")!;
    const typeText = r.str(typeE.value, "`type`", typeE.pos);
    if (typeText === null) return;
    const type = subst(typeText, vars);
    if (!(EVENT_TYPES as readonly string[]).includes(type)) {
      const hint = closest(type, EVENT_TYPES);
      r.error(typeE.value, `unknown event type \`${type}\`${hint ? ` (did you mean \`${hint}\`?)` : ""}`);
      return;
    }
    const et = type as EventType;
    const spec: EventFieldSpec = EVENT_FIELDS[et];
    const known = [...Object.keys(spec.required), ...Object.keys(spec.optional)];
    const fields: Record<string, unknown> = {};
    for (const e of entries) {
      if (e.key === "type" || CONTROL_KEYS.includes(e.key)) continue;
      if (!known.includes(e.key)) {
        const hint = closest(e.key, [...known, ...CONTROL_KEYS]);
        r.error(e.keyPos, `${et} has no field \`${e.key}\`${hint ? ` (did you mean \`${hint}\`?)` : known.length ? `; its fields: ${known.join(", ")}` : ""}`);
        continue;
      }
      if (spec.required[e.key] === "object" || spec.optional[e.key] === "object") {
        if (!r.isMap(e.value)) r.error(e.value ?? e.pos, `\`${e.key}\` must be a mapping`);
        else fields[e.key] = substData(r.data(e.value), vars);
        continue;
      }
      const v = r.str(e.value, `\`${e.key}\``, e.pos);
      if (v !== null) fields[e.key] = subst(v, vars);
    }
    // Personal information is never needed in a test: a verification gets a placeholder identity.
    if (et === "user.verified" && fields["identity"] === undefined) fields["identity"] = { placeholder: "test" };
    for (const k of Object.keys(spec.required)) if (fields[k] === undefined && !entries.some((e) => e.key === k)) r.error(node, `${et} needs \`${k}\``);
    out.push({ ...base, kind: "event", type: et, when, fields, raw: null, label: et });
  }

  private use(entries: Entry[], vars: Vars, out: Step[], pos: Pos): void {
    const r = this.r;
    const e = entries.find((x) => x.key === "use")!;
    for (const x of entries) if (x.key !== "use" && x.key !== "with") unknownKey(r, x, "a `use` step", ["use", "with"]);
    const name = r.str(e.value, "`use`", e.pos);
    if (name === null) return;
    const fx = this.fixtures.get(name);
    if (!fx) {
      const hint = closest(name, [...this.fixtures.keys()]);
      r.error(e.value, `no fixture \`${name}\`${hint ? ` (did you mean \`${hint}\`?)` : this.fixtures.size ? `; fixtures: ${[...this.fixtures.keys()].join(", ")}` : "; define it under `fixtures:`"}`);
      return;
    }
    if (this.active.includes(name)) {
      r.error(e.value, `fixture \`${name}\` uses itself (${[...this.active, name].join(" → ")})`);
      return;
    }
    const inner: Record<string, string> = { ...vars };
    const withE = entries.find((x) => x.key === "with");
    if (withE) {
      for (const w of r.map(withE.value, "`with`", withE.pos) ?? []) {
        const v = r.str(w.value, `\`${w.key}\``, w.pos);
        if (v !== null) inner[w.key] = subst(v, vars);
      }
    }
    this.active.push(name);
    this.stepList(fx.node, inner, out, fx.pos);
    this.active.pop();
    void pos;
  }

  private repeat(entries: Entry[], vars: Vars, out: Step[], pos: Pos): void {
    const r = this.r;
    for (const x of entries) if (!["repeat", "as", "from", "steps"].includes(x.key)) unknownKey(r, x, "a `repeat` step", ["repeat", "as", "from", "steps"]);
    const e = entries.find((x) => x.key === "repeat")!;
    const n = this.int(e, vars);
    const fromE = entries.find((x) => x.key === "from");
    const from = fromE ? this.int(fromE, vars) : 1;
    const asE = entries.find((x) => x.key === "as");
    const name = asE ? r.str(asE.value, "`as`", asE.pos) : "i";
    const stepsE = entries.find((x) => x.key === "steps");
    if (!stepsE) {
      r.error(pos, "a `repeat` step needs `steps` to repeat");
      return;
    }
    if (n === null || from === null || name === null) return;
    if (n > MAX_REPEAT) {
      r.error(e.value, `\`repeat\` is at most ${MAX_REPEAT}`);
      return;
    }
    for (let k = 0; k < n; k++) {
      const before = this.r.problems.length;
      this.stepList(stepsE.value, { ...vars, [name]: String(from + k) }, out, stepsE.pos);
      // One report of a problem in the loop body is enough.
      if (this.r.problems.length > before) return;
    }
  }

  private int(e: Entry, vars: Vars): number | null {
    const text = this.r.str(e.value, `\`${e.key}\``, e.pos);
    if (text === null) return null;
    const t = subst(text, vars);
    if (!/^\d+$/.test(t)) {
      this.r.error(e.value, `\`${e.key}\` takes a whole number, got \`${t}\``);
      return null;
    }
    return Number(t);
  }

  private expect(node: Node | null, vars: Vars, at: Pos, timer: boolean): DecisionExpect | null {
    const r = this.r;
    if (r.isScalar(node) && timer) {
      // A timer expectation may be just the rule name.
      return { pos: r.pos(node), rule: subst(r.str(node, "a timer")!, vars) };
    }
    const entries = r.map(node, timer ? "a timer expectation" : "`expect`", at);
    if (!entries) return null;
    const out: DecisionExpect = { pos: r.pos(node, at) };
    const keys = timer ? TIMER_KEYS : EXPECT_KEYS;
    for (const e of entries) {
      const s = (): string | null => {
        const v = r.str(e.value, `\`${e.key}\``, e.pos);
        return v === null ? null : subst(v, vars);
      };
      switch (e.key) {
        case "outcome": {
          const v = s();
          if (v === null) break;
          if (!(OUTCOMES as readonly string[]).includes(v)) r.error(e.value, `outcome is one of ${OUTCOMES.join(", ")}, got \`${v}\``);
          else out.outcome = v;
          break;
        }
        case "rule":
        case "reason":
        case "policy": {
          const v = s();
          if (v !== null) out[e.key] = v;
          break;
        }
        case "dead-letter": {
          const v = s();
          if (v !== null) out.deadLetter = v;
          break;
        }
        case "due":
          if (timer) {
            const t = this.time(e, vars);
            if (t) out.due = t;
          } else unknownKey(r, e, "`expect`", keys);
          break;
        case "cites": {
          const items = r.isScalar(e.value) ? [e.value] : (r.seq(e.value, "`cites`", e.pos) ?? []);
          const ids: string[] = [];
          for (const item of items) {
            const id = r.str(item, "a requirement id", e.pos);
            if (id === null) continue;
            const v = subst(id, vars);
            if (!requirement(v)) {
              const hint = closest(v, REQUIREMENTS.map((q) => q.id));
              r.error(item, `unknown requirement id \`${v}\`${hint ? ` (did you mean \`${hint}\`?)` : ""}`);
            } else ids.push(v);
          }
          out.cites = ids;
          break;
        }
        case "excludes": {
          const items = r.isScalar(e.value) ? [e.value] : (r.seq(e.value, "`excludes`", e.pos) ?? []);
          out.excludes = [];
          for (const item of items) {
            const v = r.str(item, "a text", e.pos);
            if (v !== null) out.excludes.push(subst(v, vars));
          }
          break;
        }
        case "subject": {
          const sub: Record<string, string> = {};
          for (const x of r.map(e.value, "`subject`", e.pos) ?? []) {
            if (!SUBJECT_KEYS.includes(x.key)) unknownKey(r, x, "`subject`", SUBJECT_KEYS);
            const v = r.str(x.value, `\`${x.key}\``, x.pos);
            if (v !== null) sub[x.key] = subst(v, vars);
          }
          out.subject = sub;
          break;
        }
        case "effects": {
          const list: EffectExpect[] = [];
          for (const item of r.seq(e.value, "`effects`", e.pos) ?? []) {
            const ef = this.effect(item, vars, e.pos);
            if (ef) list.push(ef);
          }
          out.effects = list;
          break;
        }
        default:
          unknownKey(r, e, timer ? "a timer expectation" : "`expect`", keys);
      }
    }
    return out;
  }

  private effect(node: Node | null, vars: Vars, at: Pos): EffectExpect | null {
    const r = this.r;
    const pos = r.pos(node, at);
    if (r.isScalar(node)) {
      const word = subst(r.str(node, "an effect")!, vars);
      return { pos, fields: effectShorthand(word), text: word };
    }
    if (!r.isMap(node)) {
      r.error(node ?? at, "an effect is a name (`record`, `warn`, …) or a mapping such as `{kind: measure, measure: warn}`");
      return null;
    }
    const data = substData(r.data(node), vars) as Record<string, unknown>;
    return { pos, fields: { ...data }, text: inlineText(data) };
  }

  private timers(node: Node | null, vars: Vars, at: Pos): DecisionExpect[] | null {
    const items = this.r.seq(node, "`timers`", at);
    if (!items) return null;
    const out: DecisionExpect[] = [];
    for (const item of items) {
      const x = this.expect(item, vars, at, true);
      if (x) out.push(x);
    }
    return out;
  }

  private state(node: Node | null, vars: Vars, at: Pos): StateExpect | null {
    const r = this.r;
    const entries = r.map(node, "`state`", at);
    if (!entries) return null;
    const out: StateExpect = { pos: r.pos(node, at), top: {}, groups: {}, users: {}, complaints: {} };
    for (const e of entries) {
      if (e.key === "groups" || e.key === "users" || e.key === "complaints") {
        const schema = STATE_FIELDS[e.key];
        for (const ent of r.map(e.value, `\`${e.key}\``, e.pos) ?? []) {
          const id = subst(ent.key, vars);
          const fields: Record<string, StateFieldExpect> = {};
          const what = e.key === "groups" ? "a group" : e.key === "users" ? "a user" : "a complaint";
          for (const f of r.map(ent.value, `the state of ${what}`, ent.pos) ?? []) {
            const kind = schema[f.key];
            if (kind === undefined) {
              unknownKey(r, f, `the state of ${what}`, Object.keys(schema));
              continue;
            }
            const v = this.stateValue(f, kind, vars);
            if (v) fields[f.key] = { pos: f.pos, value: v };
          }
          out[e.key][id] = { pos: ent.pos, fields };
        }
        continue;
      }
      const kind = TOP_FIELDS[e.key];
      if (kind === undefined) {
        unknownKey(r, e, "`state`", ["groups", "users", "complaints", ...Object.keys(TOP_FIELDS)]);
        continue;
      }
      const v = this.stateValue(e, kind, vars);
      if (v) out.top[e.key] = { pos: e.pos, value: v };
    }
    return out;
  }

  private stateValue(e: Entry, kind: StateValue["kind"], vars: Vars): StateValue | null {
    const r = this.r;
    const s = (): string | null => {
      const v = r.str(e.value, `\`${e.key}\``, e.pos);
      return v === null ? null : subst(v, vars);
    };
    switch (kind) {
      case "bool": {
        const v = s();
        if (v === null) return null;
        if (["true", "yes"].includes(v)) return { kind, value: true };
        if (["false", "no"].includes(v)) return { kind, value: false };
        r.error(e.value, `\`${e.key}\` is true or false, got \`${v}\``);
        return null;
      }
      case "int": {
        const v = s();
        if (v === null) return null;
        if (!/^\d+$/.test(v)) {
          r.error(e.value, `\`${e.key}\` is a whole number, got \`${v}\``);
          return null;
        }
        return { kind, value: Number(v) };
      }
      case "text": {
        const v = s();
        if (v === null) return null;
        return { kind, value: v === "null" || v === "~" ? null : v };
      }
      case "time": {
        const v = s();
        if (v === null) return null;
        return { kind, value: v === "none" || v === "null" || v === "~" ? null : { text: v, pos: r.pos(e.value) } };
      }
      case "list": {
        const items = r.seq(e.value, `\`${e.key}\``, e.pos);
        if (!items) return null;
        const out: string[] = [];
        for (const it of items) {
          const v = r.str(it, `an item of \`${e.key}\``, e.pos);
          if (v !== null) out.push(subst(v, vars));
        }
        return { kind, value: out };
      }
      case "roles": {
        const out: Record<string, string> = {};
        for (const x of r.map(e.value, "`roles`", e.pos) ?? []) {
          const v = r.str(x.value, `the role of ${x.key}`, x.pos);
          if (v === null) continue;
          const role = subst(v, vars);
          if (!["creator", "manager", "member", "none"].includes(role)) r.error(x.value, `a role is creator, manager, member or none, got \`${role}\``);
          else out[subst(x.key, vars)] = role;
        }
        return { kind, value: out };
      }
      case "timers": {
        const items = r.seq(e.value, "`timers`", e.pos);
        if (!items) return null;
        const out: Record<string, string>[] = [];
        for (const it of items) {
          if (r.isScalar(it)) out.push({ kind: subst(r.str(it, "a timer")!, vars) });
          else {
            const m: Record<string, string> = {};
            for (const x of r.map(it, "a pending timer", e.pos) ?? []) {
              if (!["kind", "due", "group", "user", "complaint"].includes(x.key)) unknownKey(r, x, "a pending timer", ["kind", "due", "group", "user", "complaint"]);
              const v = r.str(x.value, `\`${x.key}\``, x.pos);
              if (v !== null) m[x.key] = subst(v, vars);
            }
            out.push(m);
          }
        }
        return { kind, value: out };
      }
    }
  }
}

/** `record` → `{kind: record}`; `warn` → `{kind: measure, measure: warn}`; `info-page` → an obligation. */
export function effectShorthand(word: string): Record<string, unknown> {
  if (isSanction(word)) return { kind: "measure", measure: word };
  if (word === "info-page" || word === "resolve-complaint" || word === "rectify") return { kind: "obligation", what: word };
  return { kind: word };
}

function substData(v: unknown, vars: Vars): unknown {
  if (typeof v === "string") return subst(v, vars);
  if (Array.isArray(v)) return v.map((x) => substData(x, vars));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = substData(x, vars);
    return out;
  }
  return v;
}

export function inlineText(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) return `[${v.map(inlineText).join(", ")}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${inlineText(x)}`)
    .join(", ")}}`;
}

/** Parses a test file; never throws. */
export function parseTestFile(text: string, file: string): ParseResult {
  const r = new YamlReader(file, text);
  if (r.root === null) {
    if (r.problems.length === 0) r.error({ file, line: 1, col: 1 }, "the test file is empty");
    return { file: null, problems: r.problems };
  }
  try {
    const parsed = new Parser(r).parse();
    return { file: parsed, problems: r.problems };
  } catch (e) {
    r.error({ file, line: 1, col: 1 }, `internal error while reading the test file: ${(e as Error).message}`);
    return { file: null, problems: r.problems };
  }
}
