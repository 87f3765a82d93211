/**
 * The JSON Schema (draft 2020-12) of the IR. Every object is closed (`additionalProperties: false`)
 * so a typo in hand-written IR is an error, not a silently ignored field. `schema/ir.schema.json`
 * is written from this object by `npm run schemas` for people and other tools.
 */
import { DECIDED_EVENTS, SERVICES } from "../vocab/events.js";
import { IR_VERSION } from "./types.js";

const VALUE_TYPES = ["bool", "count", "duration", "time", "level", "category", "tier", "severity", "role", "action", "string"];
const ENUM_LIT_TYPES = ["level", "category", "tier", "severity", "role", "action"];

type Schema = Record<string, unknown>;

/** A closed object: every listed property is required unless named in `optional`. */
function obj(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return {
    type: "object",
    additionalProperties: false,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  };
}

const str: Schema = { type: "string" };
const nonEmpty: Schema = { type: "string", minLength: 1 };
const nat: Schema = { type: "integer", minimum: 0 };
const pos: Schema = { type: "integer", minimum: 1 };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: "null" }] });
const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const arrayOf = (s: Schema): Schema => ({ type: "array", items: s });
const kind = (k: string): Schema => ({ const: k });
const id: Schema = { type: "string", pattern: "^[A-Za-z0-9_.:-]+$" };
const rfc3339: Schema = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$" };
const service: Schema = { enum: [...SERVICES] };
const target: Schema = { enum: ["group", "user", "creator", "managers"] };

const exprVariants: Schema[] = [
  obj({ kind: kind("lit"), id, type: { const: "bool" }, value: { type: "boolean" } }, ["id"]),
  obj({ kind: kind("lit"), id, type: { const: "count" }, value: { type: "integer" } }, ["id"]),
  obj({ kind: kind("lit"), id, type: { const: "string" }, value: str }, ["id"]),
  obj({ kind: kind("lit"), id, type: { enum: ENUM_LIT_TYPES }, value: nonEmpty }, ["id"]),
  obj({ kind: kind("duration"), id, amount: nat, unit: ref("unit") }, ["id"]),
  obj({ kind: kind("time"), id, value: rfc3339 }, ["id"]),
  obj({ kind: kind("path"), id, path: nonEmpty, type: { enum: VALUE_TYPES } }, ["id"]),
  obj({ kind: kind("window"), id, path: nonEmpty, within: ref("duration") }, ["id"]),
  obj({ kind: kind("not"), id, arg: ref("expr") }, ["id"]),
  obj({ kind: kind("and"), id, args: { type: "array", items: ref("expr"), minItems: 1 } }, ["id"]),
  obj({ kind: kind("or"), id, args: { type: "array", items: ref("expr"), minItems: 1 } }, ["id"]),
  obj({ kind: kind("cmp"), id, op: { enum: ["==", "!=", "<", "<=", ">", ">="] }, left: ref("expr"), right: ref("expr") }, ["id"]),
  obj({ kind: kind("in"), id, negated: { type: "boolean" }, left: ref("expr"), items: arrayOf(ref("expr")) }, ["id"]),
  obj({ kind: kind("between"), id, negated: { type: "boolean" }, left: ref("expr"), from: { type: "integer" }, to: { type: "integer" } }, ["id"]),
  obj({ kind: kind("if"), id, type: { enum: VALUE_TYPES }, cond: ref("expr"), then: ref("expr"), else: ref("expr") }, ["id"]),
  obj({ kind: kind("arith"), id, type: { enum: VALUE_TYPES }, op: { enum: ["+", "-"] }, left: ref("expr"), right: ref("expr") }, ["id"]),
];

const actionVariants: Schema[] = [
  obj({ kind: kind("warn"), target, rectifyWithin: nullable(ref("duration")), otherwise: arrayOf(ref("action")) }),
  obj({ kind: kind("suspend-posting"), target, duration: ref("duration") }),
  obj({ kind: kind("close-group"), target }),
  obj({ kind: kind("blacklist"), target, duration: nullable(ref("duration")) }),
  obj({ kind: kind("lower-credit"), target, by: pos }),
  obj({ kind: kind("suspend-management"), target, duration: ref("duration") }),
  obj({ kind: kind("cancel-creation"), target }),
  obj({ kind: kind("record") }),
  obj({ kind: kind("report"), to: nonEmpty }),
  obj({ kind: kind("escalate") }),
];

const cites = arrayOf(obj({ article: { type: "integer", minimum: 1, maximum: 15 }, req: { type: "string", pattern: "^A\\d+\\.[a-z][a-z0-9-]*$" } }));
const stepped = obj({ base: nat, steps: arrayOf(obj({ atLeast: nonEmpty, value: nat })) });

export const IR_SCHEMA: Schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://qungui.dev/schema/ir-v1.json",
  title: "qungui policy IR, version 1",
  ...obj({
    kind: kind("policy"),
    irVersion: { const: IR_VERSION },
    name: nonEmpty,
    title: nullable(str),
    source: nullable(obj({ file: str, sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } })),
    versions: { type: "array", items: ref("version"), minItems: 1 },
    spans: {
      type: "object",
      propertyNames: id,
      additionalProperties: obj({ file: str, line: pos, column: pos, endLine: pos, endColumn: pos }),
    },
  }),
  $defs: {
    unit: { enum: ["minute", "hour", "day", "week", "month", "year"] },
    duration: obj({ amount: nat, unit: ref("unit") }),
    expr: { oneOf: exprVariants },
    action: { oneOf: actionVariants },
    version: obj({
      kind: kind("version"),
      id,
      version: nonEmpty,
      effective: rfc3339,
      zone: nonEmpty,
      toleranceMs: nat,
      cites,
      agreement: nullable(obj({ kind: kind("agreement"), id, cites, currentVersion: nullable(str), requiredFor: arrayOf(service), reaccept: { type: "boolean" } })),
      identity: nullable(obj({ kind: kind("identity"), id, cites, requiredFor: arrayOf(service) })),
      credit: obj({ kind: kind("credit"), id, cites, levels: { type: "array", items: nonEmpty, minItems: 1 }, default: nonEmpty }),
      categories: arrayOf(obj({ kind: kind("category"), id, name: nonEmpty, label: nullable(str) })),
      tiers: arrayOf(
        obj({
          kind: kind("tierTable"),
          id,
          cites,
          categories: nullable(arrayOf(nonEmpty)),
          tiers: arrayOf(
            obj({
              kind: kind("tier"),
              id,
              name: nonEmpty,
              minMembers: pos,
              maxMembers: pos,
              activityFrom: nullable(nat),
              creator: obj({ verified: { type: "boolean" }, minCredit: nullable(nonEmpty) }),
              joinApproval: { type: "boolean" },
            }),
          ),
        }),
      ),
      limits: obj({
        kind: kind("limits"),
        id: nullable(id),
        cites,
        membersPerGroup: nullable(pos),
        groupsCreated: nullable(stepped),
        groupsJoined: nullable(stepped),
        infoPage: nullable(obj({ from: pos, enforced: { type: "boolean" } })),
      }),
      prohibited: obj({
        kind: kind("prohibited"),
        id: nullable(id),
        cites,
        severities: { type: "array", items: nonEmpty, minItems: 1 },
        categories: arrayOf(obj({ name: nonEmpty, severity: nonEmpty, label: nullable(str), id })),
      }),
      measures: arrayOf(
        obj({
          kind: kind("measure"),
          id,
          name: nonEmpty,
          cites,
          trigger: obj({
            count: pos,
            severityOp: { enum: ["==", ">="] },
            severity: nullable(nonEmpty),
            categories: arrayOf(nonEmpty),
            scope: { enum: ["group", "user"] },
            within: nullable(ref("duration")),
          }),
          actions: arrayOf(ref("action")),
        }),
      ),
      responsibility: nullable(obj({ kind: kind("responsibility"), id, cites, window: ref("duration"), otherwise: arrayOf(ref("action")) })),
      complaints: nullable(obj({ kind: kind("complaints"), id, cites, resolveWithin: ref("duration"), otherwise: arrayOf(ref("action")) })),
      retention: nullable(obj({ kind: kind("retention"), id, cites, keepLogs: ref("duration") })),
      management: obj({ kind: kind("management"), id: nullable(id), cites, muteFor: ref("duration") }),
      blacklist: nullable(obj({ kind: kind("blacklist"), id, cites, users: arrayOf(service), groups: arrayOf(service) })),
      rules: arrayOf(
        obj({
          kind: kind("rule"),
          id,
          name: nonEmpty,
          origin: { enum: ["policy", "section", "builtin", "permit"] },
          section: nullable(str),
          on: { type: "array", items: { enum: [...DECIDED_EVENTS] }, minItems: 1 },
          effect: { enum: ["deny", "allow"] },
          when: ref("expr"),
          because: arrayOf({ anyOf: [str, obj({ path: nonEmpty })] }),
          cites,
        }),
      ),
    }),
  },
};
