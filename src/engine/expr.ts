/**
 * Compiles rule conditions (`ExprIR`) to closures once per version, so no IR is walked per event.
 * Enumeration literals become the indices/ranks the accessors return (./context.ts), instants
 * become epoch ms, and durations are measured back from `now` with calendar arithmetic in the
 * version's zone (`account-age >= 6 months` holds when first seen at or before now − 6 months).
 *
 * The explaining variant is the same function with a {@link Tracer}: each node's closure is wrapped
 * to record its value, so explanation and evaluation cannot drift apart.
 *
 * Nulls: a comparison with a null operand is false (`!=` true unless both are null), arithmetic
 * with null gives null, `in` compares with `==`.
 */
import type { DurationIR, ExprIR } from "../ir/types.js";
import { MANAGE_ACTIONS, ROLES } from "../vocab/events.js";
import { PATHS, canonicalPath, type ValueType } from "../vocab/paths.js";
import { pathAccessor, windowAccessor, type Ctx, type Val } from "./context.js";
import { addDuration, formatDuration, parseTimestamp, UNIT_MS } from "../source/time.js";
import { ProgramError, type VersionData } from "./version.js";

export type Compiled = (c: Ctx) => Val;

/** Records every node's value during one evaluation; `nodes` in pre-order. */
export interface Tracer {
  nodes: ExprIR[];
  values: (Val | undefined)[];
}

export function newTracer(): Tracer {
  return { nodes: [], values: [] };
}

const ROLE_RANK: ReadonlyMap<string, number> = new Map(["none", "member", "manager", "creator"].map((r, i) => [r, i]));

/** The static type of an expression. */
export function typeOf(e: ExprIR): ValueType {
  switch (e.kind) {
    case "lit":
      return e.type;
    case "duration":
      return "duration";
    case "time":
      return "time";
    case "path":
      return PATHS[canonicalPath(e.path)]?.type ?? e.type;
    case "window":
      return "count";
    case "if":
    case "arith":
      return e.type;
    default:
      return "bool";
  }
}

function literal(e: Extract<ExprIR, { kind: "lit" }>, v: VersionData): Val {
  switch (e.type) {
    case "bool":
    case "count":
    case "string":
    case "category":
      return e.value;
    case "level": {
      const i = v.levelIndex.get(e.value);
      if (i === undefined) throw new ProgramError(`unknown credit level ${e.value}`);
      return i;
    }
    case "severity": {
      const i = v.severityIndex.get(e.value);
      if (i === undefined) throw new ProgramError(`unknown severity ${e.value}`);
      return i;
    }
    case "tier": {
      // `none`: no tier admits the group (the value of `group.tier` outside every band).
      if (e.value === "none") return null;
      const i = v.tierRank.get(e.value);
      if (i === undefined) throw new ProgramError(`unknown tier ${e.value}`);
      return i;
    }
    case "role":
      if (!(ROLES as readonly string[]).includes(e.value)) throw new ProgramError(`unknown role ${e.value}`);
      return e.value;
    case "action":
      if (!(MANAGE_ACTIONS as readonly string[]).includes(e.value)) throw new ProgramError(`unknown action ${e.value}`);
      return e.value;
  }
}

function durationCompiled(d: DurationIR, v: VersionData): Compiled {
  if (d.unit !== "month" && d.unit !== "year") {
    const ms = d.amount * UNIT_MS[d.unit];
    return () => ms;
  }
  const zone = v.zone;
  return (c) => c.now - addDuration(c.now, d, zone, -1);
}

type Order = (a: Val, b: Val) => number;

function orderFor(t: ValueType): Order {
  if (t === "role") return (a, b) => (ROLE_RANK.get(a as string) ?? 0) - (ROLE_RANK.get(b as string) ?? 0);
  if (t === "string" || t === "category" || t === "action") return (a, b) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0);
  return (a, b) => (a as number) - (b as number);
}

function cmp(op: Extract<ExprIR, { kind: "cmp" }>["op"], l: Compiled, r: Compiled, order: Order): Compiled {
  switch (op) {
    case "==":
      return (c) => l(c) === r(c);
    case "!=":
      return (c) => l(c) !== r(c);
    case "<":
      return (c) => {
        const a = l(c);
        const b = r(c);
        return a !== null && b !== null && order(a, b) < 0;
      };
    case "<=":
      return (c) => {
        const a = l(c);
        const b = r(c);
        return a !== null && b !== null && order(a, b) <= 0;
      };
    case ">":
      return (c) => {
        const a = l(c);
        const b = r(c);
        return a !== null && b !== null && order(a, b) > 0;
      };
    case ">=":
      return (c) => {
        const a = l(c);
        const b = r(c);
        return a !== null && b !== null && order(a, b) >= 0;
      };
  }
}

/**
 * Compiles an expression for a version. With a tracer, every node records its value in
 * `tracer.values[i]` where `tracer.nodes[i]` is the node (pre-order); nodes that short-circuiting
 * skipped stay `undefined`.
 */
export function compileExpr(e: ExprIR, v: VersionData, tracer?: Tracer): Compiled {
  if (tracer === undefined) return compileNode(e, v, undefined);
  const idx = tracer.nodes.length;
  tracer.nodes.push(e);
  tracer.values.push(undefined);
  const inner = compileNode(e, v, tracer);
  const values = tracer.values;
  return (c) => {
    const x = inner(c);
    values[idx] = x;
    return x;
  };
}

function compileNode(e: ExprIR, v: VersionData, tr: Tracer | undefined): Compiled {
  const sub = (x: ExprIR): Compiled => compileExpr(x, v, tr);
  switch (e.kind) {
    case "lit": {
      const val = literal(e, v);
      return () => val;
    }
    case "duration":
      return durationCompiled({ amount: e.amount, unit: e.unit }, v);
    case "time": {
      const ms = parseTimestamp(e.value);
      if (Number.isNaN(ms)) throw new ProgramError(`invalid instant ${e.value}`);
      return () => ms;
    }
    case "path":
      return pathAccessor(e.path);
    case "window":
      return windowAccessor(e.path, e.within);
    case "not": {
      const a = sub(e.arg);
      return (c) => a(c) !== true;
    }
    case "and": {
      const args = e.args.map(sub);
      if (args.length === 0) return () => true;
      if (args.length === 1) {
        const a = args[0]!;
        return (c) => a(c) === true;
      }
      if (args.length === 2) {
        const a = args[0]!;
        const b = args[1]!;
        return (c) => a(c) === true && b(c) === true;
      }
      return (c) => {
        for (const a of args) if (a(c) !== true) return false;
        return true;
      };
    }
    case "or": {
      const args = e.args.map(sub);
      if (args.length === 0) return () => false;
      if (args.length === 1) {
        const a = args[0]!;
        return (c) => a(c) === true;
      }
      if (args.length === 2) {
        const a = args[0]!;
        const b = args[1]!;
        return (c) => a(c) === true || b(c) === true;
      }
      return (c) => {
        for (const a of args) if (a(c) === true) return true;
        return false;
      };
    }
    case "cmp": {
      const l = sub(e.left);
      const r = sub(e.right);
      return cmp(e.op, l, r, orderFor(typeOf(e.left)));
    }
    case "in": {
      const l = sub(e.left);
      const items = e.items.map(sub);
      const neg = e.negated;
      return (c) => {
        const x = l(c);
        let found = false;
        for (const it of items) {
          if (it(c) === x) {
            found = true;
            break;
          }
        }
        return found !== neg;
      };
    }
    case "between": {
      const l = sub(e.left);
      const { from, to, negated } = e;
      return (c) => {
        const x = l(c);
        if (x === null) return negated;
        const inside = (x as number) >= from && (x as number) <= to;
        return inside !== negated;
      };
    }
    case "if": {
      const cond = sub(e.cond);
      const then = sub(e.then);
      const els = sub(e.else);
      return (c) => (cond(c) === true ? then(c) : els(c));
    }
    case "arith": {
      const sign = e.op === "+" ? 1 : -1;
      const lt = typeOf(e.left);
      const rt = typeOf(e.right);
      // A time shifted by a written duration uses calendar arithmetic (`now - 6 months`).
      if (lt === "time" && e.right.kind === "duration") {
        const l = sub(e.left);
        const r = sub(e.right);
        const d: DurationIR = { amount: e.right.amount, unit: e.right.unit };
        const zone = v.zone;
        if (tr === undefined) {
          return (c) => {
            const a = l(c);
            return a === null ? null : addDuration(a as number, d, zone, sign);
          };
        }
        return (c) => {
          const a = l(c);
          r(c);
          return a === null ? null : addDuration(a as number, d, zone, sign);
        };
      }
      if (rt === "time" && e.left.kind === "duration" && sign === 1) {
        const l = sub(e.left);
        const r = sub(e.right);
        const d: DurationIR = { amount: e.left.amount, unit: e.left.unit };
        const zone = v.zone;
        return (c) => {
          if (tr !== undefined) l(c);
          const b = r(c);
          return b === null ? null : addDuration(b as number, d, zone, 1);
        };
      }
      const l = sub(e.left);
      const r = sub(e.right);
      return (c) => {
        const a = l(c);
        const b = r(c);
        return a === null || b === null ? null : (a as number) + sign * (b as number);
      };
    }
  }
}

/** The expression as policy text, for explanations. */
export function exprText(e: ExprIR): string {
  switch (e.kind) {
    case "lit":
      return e.type === "string" ? JSON.stringify(e.value) : String(e.value);
    case "duration":
      return formatDuration({ amount: e.amount, unit: e.unit });
    case "time":
      return e.value;
    case "path":
      return e.path;
    case "window":
      return `${e.path} within ${formatDuration(e.within)}`;
    case "not":
      return `not ${wrap(e.arg)}`;
    case "and":
      return e.args.map(wrap).join(" and ");
    case "or":
      return e.args.map(wrap).join(" or ");
    case "cmp":
      return `${wrap(e.left)} ${e.op} ${wrap(e.right)}`;
    case "in":
      return `${wrap(e.left)} ${e.negated ? "not in" : "in"} [${e.items.map(exprText).join(", ")}]`;
    case "between":
      return `${wrap(e.left)} ${e.negated ? "not in" : "in"} ${e.from}..${e.to}`;
    case "if":
      return `if ${exprText(e.cond)} then ${exprText(e.then)} else ${exprText(e.else)}`;
    case "arith":
      return `${wrap(e.left)} ${e.op} ${wrap(e.right)}`;
  }
}

function wrap(e: ExprIR): string {
  const simple = e.kind === "lit" || e.kind === "path" || e.kind === "duration" || e.kind === "time" || e.kind === "window";
  return simple ? exprText(e) : `(${exprText(e)})`;
}
