/**
 * Rule declarations: `on` names decided events, the condition is well typed on each of them, and
 * the `because` sentence only fills in ids and paths (never personal information).
 */
import type * as A from "../ast/nodes.js";
import { DECIDED_EVENTS, EVENT_TYPES, type DecidedEvent } from "../vocab/events.js";
import { ID_ROOTS, PATHS } from "../vocab/paths.js";
import { noteFor, type Ctx } from "./context.js";
import { CODES } from "./ids.js";
import { didYouMean } from "./suggest.js";
import { PII_FIELD, typeCondition, USER_ROOTS, type TypeEnv } from "./types.js";

/** The rule's events that are decided events, reporting the others. */
export function ruleEvents(ctx: Ctx, rule: A.RuleDecl): { event: DecidedEvent; node: A.DottedName }[] {
  const out: { event: DecidedEvent; node: A.DottedName }[] = [];
  const note = noteFor(ctx, rule);
  if (rule.on.length === 0) {
    ctx.sink.error(CODES.missingClause, rule.name.span, `rule \`${rule.name.name}\` does not say which events it applies to`, {
      help: `add \`on <event>\`; rules apply to ${DECIDED_EVENTS.join(", ")}`,
      note,
    });
  }
  for (const node of rule.on) {
    const name = node.parts.join(".");
    if ((DECIDED_EVENTS as readonly string[]).includes(name)) {
      if (!out.some((o) => o.event === name)) out.push({ event: name as DecidedEvent, node });
      continue;
    }
    if ((EVENT_TYPES as readonly string[]).includes(name)) {
      const help =
        name === "content.flagged"
          ? "flags are handled by `measure` declarations (`on flag …`), not by rules"
          : `only decided events get allow or deny: ${DECIDED_EVENTS.join(", ")}`;
      ctx.sink.error(CODES.badEvent, node.span, `${name} is not a decided event: no rule can allow or deny it`, { help, note });
    } else {
      ctx.sink.error(CODES.badEvent, node.span, `unknown event \`${name}\``, {
        help: didYouMean(name, DECIDED_EVENTS) ?? `rules apply to ${DECIDED_EVENTS.join(", ")}`,
        note,
      });
    }
  }
  return out;
}

/** Checks one rule in one version: events, condition types, `because`. */
export function checkRule(ctx: Ctx, rule: A.RuleDecl): TypeEnv {
  const events = ruleEvents(ctx, rule);
  const env: TypeEnv = { ctx, rule, events, cache: new Map(), errors: 0 };
  if (rule.when) typeCondition(rule.when, env);
  if (!rule.because) {
    ctx.sink.warning(CODES.noBecause, rule.name.span, `rule \`${rule.name.name}\` has no \`because\``, {
      help: "decisions quote the reason to the user and to the authority: add `because \"…\"`; placeholders such as {user} and {group} fill in ids",
      note: noteFor(ctx, rule),
    });
  } else checkTemplate(env, rule.because);
  return env;
}

/** Placeholder paths of a `because` template, with their offsets in the string's value. */
export function placeholders(text: string): { path: string; at: number; length: number; closed: boolean }[] {
  const out: { path: string; at: number; length: number; closed: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ((ch === "{" && text[i + 1] === "{") || (ch === "}" && text[i + 1] === "}")) {
      i++;
      continue;
    }
    if (ch !== "{") continue;
    const close = text.indexOf("}", i + 1);
    if (close < 0) {
      out.push({ path: text.slice(i + 1).trim(), at: i, length: text.length - i, closed: false });
      break;
    }
    out.push({ path: text.slice(i + 1, close).trim(), at: i, length: close - i + 1, closed: true });
    i = close;
  }
  return out;
}

/** The span of part of a string literal, when the literal has no escapes (else the whole literal). */
function subSpan(lit: A.StringLit, at: number, length: number): A.Node["span"] {
  const s = lit.span;
  const raw = s.end.offset - s.start.offset;
  if (s.start.line !== s.end.line || raw !== lit.value.length + 2) return s;
  const start = { offset: s.start.offset + 1 + at, line: s.start.line, column: s.start.column + 1 + at };
  const end = { offset: start.offset + length, line: s.start.line, column: start.column + length };
  return { file: s.file, start, end };
}

function checkTemplate(env: TypeEnv, lit: A.StringLit): void {
  const { ctx, rule } = env;
  const note = noteFor(ctx, rule);
  for (const p of placeholders(lit.value)) {
    // Built only for a finding: most placeholders are fine, and a large policy has thousands.
    let at: A.Node["span"] | undefined;
    const span = (): A.Node["span"] => (at ??= subSpan(lit, p.at, p.length));
    if (!p.closed) {
      ctx.sink.error(CODES.badPlaceholder, span(), "placeholder `{` is never closed", { help: "close it with `}`, or write `{{` for a literal brace", note });
      continue;
    }
    const parts = p.path.split(".");
    const field = parts.slice(1).join(".");
    if ((USER_ROOTS.includes(parts[0]!) && PII_FIELD.test(field)) || (parts.length === 1 && PII_FIELD.test(p.path))) {
      ctx.sink.error(CODES.badPlaceholder, span(), `\`{${p.path}}\` would put personal information in a decision`, {
        help: "reasons name users by their opaque id only (A6.pii): write `{user}`",
        note,
      });
      continue;
    }
    if ((ID_ROOTS as readonly string[]).includes(p.path)) {
      checkOnEvents(env, p.path, rootEvents(p.path), span);
      continue;
    }
    const info = PATHS[p.path];
    if (!info) {
      ctx.sink.error(CODES.badPlaceholder, span(), `unknown placeholder \`{${p.path}}\``, {
        help: didYouMean(p.path, [...ID_ROOTS, ...Object.keys(PATHS)]) ?? `placeholders are ids (${ID_ROOTS.map((r) => `{${r}}`).join(", ")}) or paths such as {group.members}`,
        note,
      });
      continue;
    }
    if (info.window) {
      ctx.sink.error(CODES.badPlaceholder, span(), `\`{${p.path}}\` needs a time window, which a placeholder cannot give`, {
        help: "state the count in the rule's condition and describe it in words",
        note,
      });
      continue;
    }
    checkOnEvents(env, p.path, info.events, span);
  }
}

/** Events on which an id root exists: `target` on role and manage events, `approver` on joins, … */
function rootEvents(root: string): readonly DecidedEvent[] | undefined {
  const probe = PATHS[`${root}.verified`] ?? PATHS[`${root}.exists`];
  return probe?.events;
}

function checkOnEvents(env: TypeEnv, path: string, events: readonly DecidedEvent[] | undefined, span: () => A.Node["span"]): void {
  if (!events) return;
  for (const { event, node } of env.events) {
    if (events.includes(event)) continue;
    env.ctx.sink.error(CODES.pathNotOnEvent, span(), `\`{${path}}\` is not defined on ${event}`, {
      labels: [{ span: node.span, message: `the rule applies to ${event}` }],
      help: `\`${path}\` exists on ${events.join(", ")}`,
      note: noteFor(env.ctx, env.rule),
    });
  }
}
