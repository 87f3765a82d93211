/**
 * The JSON Schema (draft 2020-12) of the IR, written against the types of ./types.ts with the
 * typed combinators of src/source/json-schema.ts: a field added to, removed from or retyped in
 * an IR type fails `tsc` here until the schema says the same. Every object is closed
 * (`additionalProperties: false`) so a typo in hand-written IR is an error, not a silently ignored
 * field. `npm run schemas` writes it to `schema/ir-v<version>.json` for people and other tools.
 */
import { DECIDED_EVENTS, SERVICES } from "../vocab/events.js";
import type { ValueType } from "../vocab/paths.js";
import {
  anyOf,
  arrayOf,
  boolean,
  constant,
  integer,
  nullable,
  object,
  oneOf,
  oneOfValues,
  optional,
  recordOf,
  refs,
  string,
  type Definitions,
  type Schema,
} from "../source/json-schema.js";
import {
  IR_VERSION,
  type ActionIR,
  type Cite,
  type DurationIR,
  type DurationUnit,
  type ExprIR,
  type PolicyIR,
  type RuleIR,
  type SteppedIR,
  type TargetName,
  type TemplatePart,
  type VersionIR,
} from "./types.js";

/** The definitions under `$defs`, by the type each one is of. */
interface Defs {
  unit: DurationUnit;
  duration: DurationIR;
  expr: ExprIR;
  action: ActionIR;
  version: VersionIR;
}

const ref = refs<Defs>();

/** `tsc` fails while a value type is missing here or listed that is not one. */
const VALUE_TYPES = oneOfValues<ValueType>(["bool", "count", "duration", "time", "level", "category", "tier", "severity", "role", "action", "string"]);
const UNITS: readonly DurationUnit[] = ["minute", "hour", "day", "week", "month", "year"];
const TARGETS: readonly TargetName[] = ["group", "user", "creator", "managers"];

const str = string();
const nonEmpty = string({ minLength: 1 });
const nat = integer({ minimum: 0 });
const pos = integer({ minimum: 1 });
const id = string({ pattern: "^[A-Za-z0-9_.:-]+$" });
const nodeId = optional(id);
const rfc3339 = string({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$" });
const service = oneOfValues(SERVICES);
const target = oneOfValues(TARGETS);
const decidedEvents = arrayOf(oneOfValues(DECIDED_EVENTS), { minItems: 1 });
const expr = ref("expr");
const exprs = arrayOf(expr, { minItems: 1 });
const actions = arrayOf(ref("action"));

type ExprOf<K extends ExprIR["kind"]> = Extract<ExprIR, { kind: K }>;
type Lit = ExprOf<"lit">;
type ActionOf<K extends ActionIR["kind"]> = Extract<ActionIR, { kind: K }>;

const exprSchema: Schema<ExprIR> = oneOf(
  object<Extract<Lit, { type: "bool" }>>({ kind: constant("lit"), id: nodeId, type: constant("bool"), value: boolean }),
  object<Extract<Lit, { type: "count" }>>({ kind: constant("lit"), id: nodeId, type: constant("count"), value: integer() }),
  object<Extract<Lit, { type: "string" }>>({ kind: constant("lit"), id: nodeId, type: constant("string"), value: str }),
  object<Exclude<Lit, { type: "bool" | "count" | "string" }>>({
    kind: constant("lit"),
    id: nodeId,
    type: oneOfValues(["level", "category", "tier", "severity", "role", "action"]),
    value: nonEmpty,
  }),
  object<ExprOf<"duration">>({ kind: constant("duration"), id: nodeId, amount: nat, unit: ref("unit") }),
  object<ExprOf<"time">>({ kind: constant("time"), id: nodeId, value: rfc3339 }),
  object<ExprOf<"path">>({ kind: constant("path"), id: nodeId, path: nonEmpty, type: VALUE_TYPES }),
  object<ExprOf<"window">>({ kind: constant("window"), id: nodeId, path: nonEmpty, within: ref("duration") }),
  object<ExprOf<"not">>({ kind: constant("not"), id: nodeId, arg: expr }),
  object<ExprOf<"and">>({ kind: constant("and"), id: nodeId, args: exprs }),
  object<ExprOf<"or">>({ kind: constant("or"), id: nodeId, args: exprs }),
  object<ExprOf<"cmp">>({ kind: constant("cmp"), id: nodeId, op: oneOfValues(["==", "!=", "<", "<=", ">", ">="]), left: expr, right: expr }),
  object<ExprOf<"in">>({ kind: constant("in"), id: nodeId, negated: boolean, left: expr, items: arrayOf(expr) }),
  object<ExprOf<"between">>({ kind: constant("between"), id: nodeId, negated: boolean, left: expr, from: integer(), to: integer() }),
  object<ExprOf<"if">>({ kind: constant("if"), id: nodeId, type: VALUE_TYPES, cond: expr, then: expr, else: expr }),
  object<ExprOf<"arith">>({ kind: constant("arith"), id: nodeId, type: VALUE_TYPES, op: oneOfValues(["+", "-"]), left: expr, right: expr }),
);

const actionSchema: Schema<ActionIR> = oneOf(
  object<ActionOf<"warn">>({ kind: constant("warn"), target, rectifyWithin: nullable(ref("duration")), otherwise: actions }),
  object<ActionOf<"suspend-posting">>({ kind: constant("suspend-posting"), target, duration: ref("duration") }),
  object<ActionOf<"close-group">>({ kind: constant("close-group"), target }),
  object<ActionOf<"blacklist">>({ kind: constant("blacklist"), target, duration: nullable(ref("duration")) }),
  object<ActionOf<"lower-credit">>({ kind: constant("lower-credit"), target, by: pos }),
  object<ActionOf<"suspend-management">>({ kind: constant("suspend-management"), target, duration: ref("duration") }),
  object<ActionOf<"cancel-creation">>({ kind: constant("cancel-creation"), target }),
  object<ActionOf<"record">>({ kind: constant("record") }),
  object<ActionOf<"report">>({ kind: constant("report"), to: nonEmpty }),
  object<ActionOf<"escalate">>({ kind: constant("escalate") }),
);

const cites = arrayOf(object<Cite>({ article: integer({ minimum: 1, maximum: 15 }), req: string({ pattern: "^A\\d+\\.[a-z][a-z0-9-]*$" }) }));
const stepped = nullable(object<SteppedIR>({ base: nat, steps: arrayOf(object({ atLeast: nonEmpty, value: nat })) }));
const because: Schema<TemplatePart[]> = arrayOf(anyOf(str, object<{ path: string }>({ path: nonEmpty })));

const ruleSchema = object<RuleIR>({
  kind: constant("rule"),
  id,
  name: nonEmpty,
  origin: oneOfValues(["policy", "section", "builtin", "permit"]),
  section: nullable(str),
  on: decidedEvents,
  effect: oneOfValues(["deny", "allow"]),
  when: expr,
  because,
  cites,
});

const versionSchema = object<VersionIR>({
  kind: constant("version"),
  id,
  version: nonEmpty,
  effective: rfc3339,
  zone: nonEmpty,
  toleranceMs: nat,
  cites,
  agreement: nullable(object({ kind: constant("agreement"), id, cites, currentVersion: nullable(str), requiredFor: arrayOf(service), reaccept: boolean })),
  identity: nullable(object({ kind: constant("identity"), id, cites, requiredFor: arrayOf(service) })),
  credit: object({ kind: constant("credit"), id, cites, levels: arrayOf(nonEmpty, { minItems: 1 }), default: nonEmpty }),
  categories: arrayOf(object({ kind: constant("category"), id, name: nonEmpty, label: nullable(str) })),
  tiers: arrayOf(
    object({
      kind: constant("tierTable"),
      id,
      cites,
      categories: nullable(arrayOf(nonEmpty)),
      tiers: arrayOf(
        object({
          kind: constant("tier"),
          id,
          name: nonEmpty,
          minMembers: pos,
          maxMembers: pos,
          activityFrom: nullable(nat),
          creator: object({ verified: boolean, minCredit: nullable(nonEmpty) }),
          joinApproval: boolean,
        }),
      ),
    }),
  ),
  limits: object({
    kind: constant("limits"),
    id: nullable(id),
    cites,
    membersPerGroup: nullable(pos),
    groupsCreated: stepped,
    groupsJoined: stepped,
    infoPage: nullable(object({ from: pos, enforced: boolean })),
  }),
  prohibited: object({
    kind: constant("prohibited"),
    id: nullable(id),
    cites,
    severities: arrayOf(nonEmpty, { minItems: 1 }),
    categories: arrayOf(object({ name: nonEmpty, severity: nonEmpty, label: nullable(str), id })),
  }),
  measures: arrayOf(
    object({
      kind: constant("measure"),
      id,
      name: nonEmpty,
      cites,
      trigger: object({
        count: pos,
        severityOp: oneOfValues(["==", ">="]),
        severity: nullable(nonEmpty),
        categories: arrayOf(nonEmpty),
        scope: oneOfValues(["group", "user"]),
        within: nullable(ref("duration")),
      }),
      actions,
    }),
  ),
  responsibility: nullable(object({ kind: constant("responsibility"), id, cites, window: ref("duration"), otherwise: actions })),
  complaints: nullable(object({ kind: constant("complaints"), id, cites, resolveWithin: ref("duration"), otherwise: actions })),
  retention: nullable(object({ kind: constant("retention"), id, cites, keepLogs: ref("duration") })),
  management: object({ kind: constant("management"), id: nullable(id), cites, muteFor: ref("duration") }),
  blacklist: nullable(object({ kind: constant("blacklist"), id, cites, users: arrayOf(service), groups: arrayOf(service) })),
  rules: arrayOf(ruleSchema),
  guards: arrayOf(object({ kind: constant("guard"), name: nonEmpty, on: decidedEvents, when: expr, because, cites })),
});

const defs: Definitions<Defs> = {
  unit: oneOfValues(UNITS),
  duration: object({ amount: nat, unit: ref("unit") }),
  expr: exprSchema,
  action: actionSchema,
  version: versionSchema,
};

const policySchema = object<PolicyIR>({
  kind: constant("policy"),
  irVersion: constant(IR_VERSION),
  name: nonEmpty,
  title: nullable(str),
  source: nullable(object({ file: str, sha256: string({ pattern: "^[0-9a-f]{64}$" }) })),
  versions: arrayOf(ref("version"), { minItems: 1 }),
  spans: recordOf(id, object({ file: str, line: pos, column: pos, endLine: pos, endColumn: pos })),
});

/** The IR's schema document, as ajv compiles it and `schema/ir-v<version>.json` holds it. */
export const IR_SCHEMA: Schema<PolicyIR> = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `https://qungui.dev/schema/ir-v${IR_VERSION}.json`,
  title: `qungui policy IR, version ${IR_VERSION}`,
  ...policySchema,
  $defs: defs,
};
