/**
 * Loading IR that did not come from our own emitter (a file, an HTTP upload, a hand-written test
 * policy): schema validation with ajv, then the cross-references a schema cannot express. Problems
 * come back as diagnostics whose message starts with the JSON pointer of the offending value.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { error, sortDiagnostics, type Diagnostic } from "../source/diagnostic.js";
import { syntheticSpan } from "../source/span.js";
import { isValidZone, parseRfc3339 } from "../source/time.js";
import { PATHS, type ValueType } from "../vocab/paths.js";
import { areIntegrityGuards, integrityGuards } from "./guards.js";
import { IR_SCHEMA } from "./schema.js";
import { IR_VERSION, type ExprIR, type PolicyIR, type VersionIR } from "./types.js";

/**
 * Two validators of the same schema, each compiled on first use. They accept exactly the same
 * documents and differ in the work on the way. With `allErrors`, each `oneOf` over the expression
 * and action variants runs every failing branch to the end and builds an error object, JSON
 * pointer included, for all it finds, on every node of a valid document too: most of the time and
 * of the garbage of validating a large IR (docs/performance.md). So a first pass, which stops at
 * the first error of each branch, only says yes or no; a document it rejects is validated again
 * with `allErrors`, so that the messages are those of the complete validator.
 */
let verdict: ValidateFunction | undefined;
let reporter: ValidateFunction | undefined;

function compileSchema(allErrors: boolean): ValidateFunction {
  return new Ajv2020({ allErrors, strict: true, allowUnionTypes: true }).compile(IR_SCHEMA);
}

/** Every schema error of an IR document (`allErrors`), or an empty list when it is valid. */
export function irSchemaErrors(json: unknown): ErrorObject[] {
  verdict ??= compileSchema(false);
  if (verdict(json)) return [];
  reporter ??= compileSchema(true);
  return reporter(json) ? [] : (reporter.errors ?? []);
}

const span = syntheticSpan("<ir>");

function schemaDiagnostic(e: ErrorObject): Diagnostic {
  const where = e.instancePath || "/";
  const detail = e.keyword === "additionalProperties" ? `unknown field \`${String(e.params["additionalProperty"])}\`` : e.message ?? "is invalid";
  return error("QG070", span, `${where}: ${detail}`, { help: `compare the document with schema/ir-v${IR_VERSION}.json (IR version ${IR_VERSION})` });
}

/**
 * `oneOf` failures report every branch; keep only the errors of the deepest paths so a reader sees
 * the real problem rather than sixteen "must be equal to constant" lines.
 */
function deepest(errors: ErrorObject[]): ErrorObject[] {
  const meaningful = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf" && e.keyword !== "const" && e.keyword !== "enum" && e.keyword !== "if");
  const pool = meaningful.length ? meaningful : errors;
  const seen = new Set<string>();
  return pool.filter((e) => {
    const key = `${e.instancePath}|${e.message}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Cross-reference checks: names used by rules and sections exist in the same version. */
function referenceDiagnostics(ir: PolicyIR): Diagnostic[] {
  const out: Diagnostic[] = [];
  let previous = -Infinity;
  ir.versions.forEach((v, vi) => {
    const at = `/versions/${vi}`;
    const eff = parseRfc3339(v.effective);
    if (eff === undefined) out.push(error("QG072", span, `${at}/effective: not an RFC 3339 instant with offset`));
    else if (eff <= previous) out.push(error("QG072", span, `${at}/effective: versions must be in increasing effective order`));
    else previous = eff;
    if (!isValidZone(v.zone)) out.push(error("QG072", span, `${at}/zone: unknown time zone \`${v.zone}\``));
    if (!v.credit.levels.includes(v.credit.default)) out.push(error("QG072", span, `${at}/credit/default: \`${v.credit.default}\` is not a level`));
    const names: Record<string, Set<string>> = {
      level: new Set(v.credit.levels),
      category: new Set(v.categories.map((c) => c.name)),
      tier: new Set(["none", ...v.tiers.flatMap((t) => t.tiers.map((x) => x.name))]),
      severity: new Set(v.prohibited.severities),
      role: new Set(["creator", "manager", "member", "none"]),
      action: new Set(["remove-member", "delete-message", "mute"]),
    };
    v.rules.forEach((r, ri) => walkExpr(r.when, `${at}/rules/${ri}/when`, (e, p) => checkExpr(e, p, names, out)));
    v.prohibited.categories.forEach((c, ci) => {
      if (!names.severity!.has(c.severity)) out.push(error("QG072", span, `${at}/prohibited/categories/${ci}/severity: unknown severity \`${c.severity}\``));
    });
    v.measures.forEach((m, mi) => {
      if (m.trigger.severity !== null && !names.severity!.has(m.trigger.severity)) {
        out.push(error("QG072", span, `${at}/measures/${mi}/trigger/severity: unknown severity \`${m.trigger.severity}\``));
      }
    });
    checkSteps(v, at, names.level!, out);
    if (!areIntegrityGuards(v.guards)) {
      out.push(error("QG072", span, `${at}/guards: not the integrity guards of IR version ${IR_VERSION}`, { help: "every version carries the same guards; copy them from a compiled policy" }));
    }
  });
  return out;
}

function checkSteps(v: VersionIR, at: string, levels: Set<string>, out: Diagnostic[]): void {
  for (const key of ["groupsCreated", "groupsJoined"] as const) {
    v.limits[key]?.steps.forEach((s, i) => {
      if (!levels.has(s.atLeast)) out.push(error("QG072", span, `${at}/limits/${key}/steps/${i}/atLeast: unknown level \`${s.atLeast}\``));
    });
  }
}

function checkExpr(e: ExprIR, at: string, names: Record<string, Set<string>>, out: Diagnostic[]): void {
  if (e.kind === "lit" && e.type in names && !names[e.type]!.has(String(e.value))) {
    out.push(error("QG072", span, `${at}: unknown ${e.type} \`${String(e.value)}\``));
  }
  if ((e.kind === "path" || e.kind === "window") && !PATHS[e.path]) {
    out.push(error("QG072", span, `${at}: unknown path \`${e.path}\``));
  } else if (e.kind === "path" && PATHS[e.path]!.type !== (e.type as ValueType)) {
    out.push(error("QG072", span, `${at}: path \`${e.path}\` has type ${PATHS[e.path]!.type}, not ${e.type}`));
  }
  if (e.kind === "time" && parseRfc3339(e.value) === undefined) out.push(error("QG072", span, `${at}: not an RFC 3339 instant`));
}

function walkExpr(e: ExprIR, at: string, visit: (e: ExprIR, at: string) => void): void {
  visit(e, at);
  switch (e.kind) {
    case "not":
      return walkExpr(e.arg, `${at}/arg`, visit);
    case "and":
    case "or":
      return e.args.forEach((a, i) => walkExpr(a, `${at}/args/${i}`, visit));
    case "cmp":
    case "arith":
      walkExpr(e.left, `${at}/left`, visit);
      return walkExpr(e.right, `${at}/right`, visit);
    case "in":
      walkExpr(e.left, `${at}/left`, visit);
      return e.items.forEach((a, i) => walkExpr(a, `${at}/items/${i}`, visit));
    case "between":
      return walkExpr(e.left, `${at}/left`, visit);
    case "if":
      walkExpr(e.cond, `${at}/cond`, visit);
      walkExpr(e.then, `${at}/then`, visit);
      return walkExpr(e.else, `${at}/else`, visit);
    default:
      return;
  }
}

/**
 * IR version 1 is version 2 without `guards`: the engine applied the same integrity guards, built
 * in. Adding them (after `rules`, where the emitter puts them) gives the document that compiling
 * its policy today gives, so it decides as it did and has that document's policy id. The input is
 * not modified; anything else is left for the schema to judge.
 */
function upgradeV1(json: { irVersion: unknown }): unknown {
  const versions = (json as { versions?: unknown }).versions;
  if (!Array.isArray(versions)) return { ...json, irVersion: IR_VERSION };
  const upgraded = versions.map((v: unknown) => (typeof v === "object" && v !== null && !Array.isArray(v) && !("guards" in v) ? { ...v, guards: integrityGuards() } : v));
  return { ...json, irVersion: IR_VERSION, versions: upgraded };
}

/** Validates an IR document (version 2, or version 1, upgraded). Returns the IR only when there are no errors. */
export function loadIR(input: unknown): { ir: PolicyIR | null; diagnostics: Diagnostic[] } {
  let json = input;
  if (typeof json === "object" && json !== null && "irVersion" in json && json.irVersion !== IR_VERSION) {
    const v = json.irVersion;
    if (v === 1) json = upgradeV1(json as { irVersion: unknown });
    else {
      return {
        ir: null,
        diagnostics: [
          error("QG071", span, `/irVersion: IR version ${JSON.stringify(v)} is not supported`, { help: `this qungui reads IR version ${IR_VERSION} (and 1); recompile the policy` }),
        ],
      };
    }
  }
  const errors = irSchemaErrors(json);
  if (errors.length > 0) {
    return { ir: null, diagnostics: sortDiagnostics(deepest(errors).map(schemaDiagnostic)) };
  }
  const ir = json as PolicyIR;
  const diagnostics = referenceDiagnostics(ir);
  return { ir: diagnostics.length ? null : ir, diagnostics };
}

/** Parses IR JSON text, reporting invalid JSON as a diagnostic rather than throwing. */
export function loadIRText(text: string): { ir: PolicyIR | null; diagnostics: Diagnostic[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ir: null, diagnostics: [error("QG070", span, `/: not valid JSON: ${(e as Error).message}`, { help: "an IR file is one JSON document" })] };
  }
  return loadIR(json);
}
