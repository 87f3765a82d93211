/**
 * Completion by context (./context.ts): the clauses of the enclosing block at the start of a
 * statement, requirement ids after `serves`, units after a number, event types after a rule's
 * `on`, paths in a condition, and declared names where a name is expected (levels after
 * `credit >=`, categories after a category path's `==`, content categories after `of`, …).
 */
import { REQUIREMENTS } from "../law/articles.js";
import { DECIDED_EVENTS, MANAGE_ACTIONS, ROLES, SERVICES } from "../vocab/events.js";
import { PATHS, type ValueType } from "../vocab/paths.js";
import { UNIT_WORDS } from "../syntax/index.js";
import type { Analysis } from "./document.js";
import { cursorContext, type CursorContext, type Token } from "./context.js";
import { ACTIONS, CLAUSES, TARGETS, type BlockKind, type Clause } from "./keywords.js";
import type { NameKind } from "./symbols.js";

export type CompletionKind = "keyword" | "snippet" | "requirement" | "path" | "name" | "unit" | "event" | "value" | "operator";

export interface Completion {
  label: string;
  kind: CompletionKind;
  /** The text inserted for the partial word; `snippet` says whether it has `${1:…}` placeholders. */
  insert: string;
  snippet: boolean;
  detail?: string;
  doc?: string;
}

export interface CompletionResult {
  /** Offset where the replaced partial word starts (it ends at the cursor). */
  from: number;
  items: Completion[];
}

const COMPARISONS = ["==", "!=", "<", "<=", ">", ">="];
const EXPRESSION_STARTS = new Set(["when", "and", "or", "not", "(", "if", "then", "else", "["]);
/** The name kind of each enumeration type a condition compares with. */
const NAME_OF_TYPE: Partial<Record<ValueType, NameKind>> = { level: "level", category: "category", tier: "tier", severity: "severity" };

export function complete(a: Analysis, offset: number): CompletionResult {
  const ctx = cursorContext(a.source.text, offset);
  return { from: ctx.partial.start, items: itemsFor(a, ctx) };
}

function itemsFor(a: Analysis, ctx: CursorContext): Completion[] {
  const block = ctx.blocks[ctx.blocks.length - 1]!;
  const st = ctx.statement;
  const words = st.map((t) => t.text);
  const last = st[st.length - 1];
  const first = words[0];
  if (!last) return clauses(block);

  if (first === "serves") return requirements();
  if (last.kind === "number" && !words.includes("..") ) {
    if (block === "measure" && first === "on") return [keyword("flags", "flags counted together")];
    if (block === "tier" && first === "activity") return [keyword("messages per day", "messages in the group per day")];
    if (block === "limits" && first === "info") return [keyword("members", "members"), keyword("members enforced", "hold joins until the info page exists")];
    if (first === "members" || first === "groups" || words.includes("by")) return [];
    return UNIT_WORDS.map((u) => ({ label: `${u}s`, kind: "unit" as const, insert: `${u}s`, snippet: false, detail: "duration unit" }));
  }
  const names = (kind: NameKind, detail: string) => a.symbols.names(kind).map((n) => ({ label: n, kind: "name" as const, insert: n, snippet: false, detail }));

  if ((last.text === ">=" || last.text === ",") && words.includes("credit") && block !== "rule") return names("level", "credit level");
  if (block === "credit" && first === "default") return names("level", "credit level");
  if (block === "tiers" && first === "for") return names("category", "group category");
  if (first === "remove" && words[1] === "rule" && st.length === 2) return names("rule", "rule");
  if (first === "remove" && words[1] === "measure" && st.length === 2) return names("measure", "measure");
  if (first === "remove" && st.length === 1) return [keyword("rule", "remove a rule"), keyword("measure", "remove a measure")];
  if (words.includes("for") && (first === "required" || first === "verified")) return services();
  if (first === "restrict" && st.length >= 2) return services();
  if (first === "restrict") return [keyword("users", "blacklisted users"), keyword("groups", "blacklisted groups")];

  if (block === "measure" && first === "on") {
    if (last.text === "of" || (last.text === "," && words.includes("of"))) return names("content", "prohibited content");
    if (last.text === "flag" || last.text === "flags" || last.text === ">=") return [...names("severity", "severity"), ...(last.text === ">=" ? [] : [keyword(">=", "this severity or higher"), keyword("of", "only these content categories")])];
    return [keyword("of", "only these content categories"), keyword("in group", "flags counted in the group"), keyword("by user", "flags counted by user"), keyword("within", "the window")];
  }
  if (first === "then" || first === "otherwise" || (last.text === "," && (words.includes("then") || words.includes("otherwise"))) || last.text === "(") {
    if (block !== "rule") {
      if (["warn", "close", "blacklist", "of"].includes(last.text)) return TARGETS.map((t) => ({ label: t, kind: "value", insert: t, snippet: false, detail: "target" }));
      if (["then", "otherwise", ",", "("].includes(last.text)) return ACTIONS.map((c) => fromClause(c, "snippet"));
      return [];
    }
  }

  if (block === "rule") {
    if (first === "on") return DECIDED_EVENTS.map((e) => ({ label: e, kind: "event", insert: e, snippet: false, detail: "decided event" }));
    if (first === "deny" || first === "allow") {
      if (!words.includes("when")) return [keyword("when", "the condition")];
      return expression(a, st);
    }
  }
  return [];
}

function expression(a: Analysis, st: Token[]): Completion[] {
  const last = st[st.length - 1]!;
  if (EXPRESSION_STARTS.has(last.text)) {
    return [
      ...Object.entries(PATHS).map(([p, info]) => ({ label: p, kind: "path" as const, insert: info.window ? `${p} within \${1:30 days}` : p, snippet: Boolean(info.window), detail: info.type, doc: info.doc })),
      keyword("not", "negation"),
      keyword("true", "true"),
      keyword("false", "false"),
      keyword("now", "the engine clock"),
    ];
  }
  if (COMPARISONS.includes(last.text) || last.text === "in" || last.text === "[" || last.text === ",") {
    const path = [...st].reverse().find((t) => t.kind === "word" && PATHS[t.text] !== undefined);
    const type = path ? PATHS[path.text]!.type : undefined;
    const kind = type ? NAME_OF_TYPE[type] : undefined;
    if (kind) return a.symbols.names(kind).map((n) => ({ label: n, kind: "name", insert: n, snippet: false, detail: type }));
    if (type === "role") return ROLES.map((r) => ({ label: r, kind: "value", insert: r, snippet: false, detail: "role" }));
    if (type === "action") return MANAGE_ACTIONS.map((r) => ({ label: r, kind: "value", insert: r, snippet: false, detail: "action" }));
    if (type === "time") return [keyword("now", "the engine clock")];
    return [];
  }
  if (last.kind === "word" && PATHS[last.text]) {
    const info = PATHS[last.text]!;
    if (info.window) return [{ label: "within", kind: "keyword", insert: "within ${1:30 days}", snippet: true, detail: "window" }];
    return [...COMPARISONS, "in", "not in"].map((op) => ({ label: op, kind: "operator", insert: op, snippet: false }));
  }
  return [keyword("and", "both"), keyword("or", "either")];
}

function clauses(block: BlockKind): Completion[] {
  return CLAUSES[block].map((c) => fromClause(c, block === "top" || block === "amendment" ? "snippet" : "keyword"));
}

function fromClause(c: Clause, kind: CompletionKind): Completion {
  return { label: c.label, kind, insert: c.snippet, snippet: c.snippet.includes("$"), doc: c.doc };
}

function keyword(label: string, detail: string): Completion {
  return { label, kind: "keyword", insert: label, snippet: false, detail };
}

function requirements(): Completion[] {
  return REQUIREMENTS.filter((r) => !r.declaratory).map((r) => ({ label: r.id, kind: "requirement", insert: r.id, snippet: false, detail: `Article ${r.article}`, doc: r.summary }));
}

function services(): Completion[] {
  return SERVICES.map((s) => ({ label: s, kind: "value", insert: s, snippet: false, detail: "service" }));
}
