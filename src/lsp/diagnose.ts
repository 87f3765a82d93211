/**
 * Every diagnostic of a policy text at once, as an editor needs them: the parser's, and the
 * checker's on the recovered AST even when the text has syntax errors (`qungui check` stops at
 * syntax errors; an editor must not, or one typo mid-file hides every finding in the rest).
 *
 * A syntax error damages its *slot*: the stretch from the start of the top-level item it falls in
 * (or follows) to the start of the next one. The recovered AST of a damaged slot may be missing
 * pieces, so the checker's findings are kept only when they cannot be echoes of the damage:
 * - a finding with a location (its span or a label) in a damaged slot is dropped;
 * - a finding that a name is undefined is dropped when that name is written in a damaged slot (its
 *   declaration may be the part that did not parse);
 * - a finding about the policy as a whole (no member cap, no retention, a tier above the cap) is
 *   dropped whenever any slot is damaged, since the missing piece may be in it.
 * Everything else is a finding about text that parsed, and stands.
 */
import type * as A from "../ast/nodes.js";
import { analyze, CODES, type CheckedPolicy } from "../check/index.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../source/diagnostic.js";
import type { Source, Span } from "../source/span.js";
import { parse, type ParseResult } from "../syntax/index.js";

/** Findings that a name is not declared: echoes of the damage when the name is in a damaged slot. */
const NAME_FINDINGS: ReadonlySet<string> = new Set([CODES.undefinedName, CODES.unknownRemoval]);
/** Findings about the policy as a whole, which any damaged slot may have caused. */
const WHOLE_POLICY_FINDINGS: ReadonlySet<string> = new Set([CODES.noMemberCap, CODES.noRetention, CODES.tierAboveCap, CODES.infoPageAboveCap]);

export interface Diagnosis {
  parsed: ParseResult;
  /** The checker's analysis of the (possibly partial) AST; null when there is no AST. */
  checked: CheckedPolicy | null;
  /** Parser diagnostics and the checker findings that stand, sorted by position. */
  diagnostics: Diagnostic[];
  /** Whether the text has syntax errors (then it is not formatted, and does not compile). */
  syntaxErrors: boolean;
}

/** A half-open offset range. */
export interface Slot {
  start: number;
  end: number;
}

export function diagnose(source: Source): Diagnosis {
  const parsed = parse(source);
  const syntaxErrors = hasErrors(parsed.diagnostics) || parsed.ast === null;
  if (!parsed.ast) return { parsed, checked: null, diagnostics: parsed.diagnostics, syntaxErrors };
  const checked = analyze(parsed.ast);
  if (!syntaxErrors) return { parsed, checked, diagnostics: sortDiagnostics([...parsed.diagnostics, ...checked.diagnostics]), syntaxErrors };
  const damaged = damagedSlots(parsed.ast, source.text.length, parsed.diagnostics);
  const standing = checked.diagnostics.filter((d) => stands(d, damaged, source.text));
  return { parsed, checked, diagnostics: sortDiagnostics([...parsed.diagnostics, ...standing]), syntaxErrors };
}

/** The slots of the file that hold an error of the parser, merged and sorted. */
export function damagedSlots(ast: A.PolicyFile, length: number, parserDiagnostics: readonly Diagnostic[]): Slot[] {
  const starts = [...(ast.header ? [ast.header.span.start.offset] : []), ...ast.items.map((i) => i.span.start.offset)].sort((a, b) => a - b);
  const slots: Slot[] = [];
  for (const d of parserDiagnostics) {
    if (d.severity !== "error") continue;
    const at = d.span.start.offset;
    let start = 0;
    let end = length;
    for (const s of starts) {
      if (s <= at) start = s;
      else {
        end = s;
        break;
      }
    }
    const last = slots[slots.length - 1];
    if (last && last.start === start) continue;
    slots.push({ start, end });
  }
  return slots.sort((a, b) => a.start - b.start);
}

function inSlots(span: Span, slots: readonly Slot[]): boolean {
  return slots.some((s) => span.start.offset < s.end && span.end.offset >= s.start);
}

function stands(d: Diagnostic, damaged: readonly Slot[], text: string): boolean {
  if (WHOLE_POLICY_FINDINGS.has(d.code)) return false;
  if (inSlots(d.span, damaged) || d.labels.some((l) => inSlots(l.span, damaged))) return false;
  if (NAME_FINDINGS.has(d.code)) {
    const name = text.slice(d.span.start.offset, d.span.end.offset);
    if (damaged.some((s) => writesWord(text.slice(s.start, s.end), name))) return false;
  }
  return true;
}

/** Whether `name` occurs in `text` as a whole identifier (identifiers are letters, digits, `_`, `-`). */
function writesWord(text: string, name: string): boolean {
  if (name === "") return false;
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    const before = text[i - 1];
    const after = text[i + name.length];
    if (!isIdentChar(before) && !isIdentChar(after)) return true;
  }
  return false;
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_-]/u.test(c);
}
