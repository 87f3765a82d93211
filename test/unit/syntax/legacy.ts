/**
 * TEMPORARY (issue 17, removed with the old parsers): the front end as it was before the one
 * parser, loaded from a checkout of the commit before it (QG_LEGACY, default /tmp/q17/old), and a
 * comparison of the two on one text: AST (spans included), diagnostics, comments and, where the
 * text compiles, the IR must be byte-identical.
 */
import { Source } from "../../../src/source/span.js";
import { parse } from "../../../src/syntax/index.js";
import { compilePolicyText } from "../../../src/compile.js";

const root = process.env["QG_LEGACY"] ?? "/tmp/q17/old";
type Parse = (source: unknown) => { ast: unknown; diagnostics: unknown; comments: unknown };
const legacy = {
  parse: ((await import(`${root}/src/syntax/index.ts`)) as { parse: Parse; parseReference: Parse }),
  Source: ((await import(`${root}/src/source/span.ts`)) as { Source: new (n: string, t: string) => unknown }).Source,
  compile: ((await import(`${root}/src/compile.ts`)) as { compilePolicyText: typeof compilePolicyText }).compilePolicyText,
};

/** JSON with `undefined` made visible, so that a key present as undefined differs from one absent. */
const canon = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (v === undefined ? "\u0000undefined" : v));

function differ(what: string, a: string, b: string): string | null {
  if (a === b) return null;
  let i = 0;
  while (a[i] === b[i]) i++;
  return `the ${what} differs at character ${i}:\n  old: …${a.slice(Math.max(0, i - 160), i + 160)}\n  new: …${b.slice(Math.max(0, i - 160), i + 160)}`;
}

export const compared = { texts: 0, withErrors: 0, compiled: 0, misspelt: 0 };

type D = { code: string; span: { start: { offset: number }; end: { offset: number } } };
/** QG080 is new: where the old front end reported QG002 at the same span, take its words. */
function asBefore<T extends D>(before: unknown, now: T[]): T[] {
  const old = before as D[];
  return now.map((d, i) => {
    const o = old[i];
    if (d.code !== "QG080" || o === undefined || o.code !== "QG002" || o.span.start.offset !== d.span.start.offset || o.span.end.offset !== d.span.end.offset) return d;
    compared.misspelt++;
    return o as unknown as T;
  });
}

/** Why the old front end (fast path or chevrotain path and lowering) and the one parser disagree on `text`, or null. */
export function legacyDisagreement(text: string, file = "same.qg", withIR = true): string | null {
  const old = legacy.parse.parse(new legacy.Source(file, text));
  const reference = legacy.parse.parseReference(new legacy.Source(file, text));
  const now = parse(new Source(file, text));
  now.diagnostics = asBefore(old.diagnostics, now.diagnostics);
  compared.texts++;
  if ((now.diagnostics as unknown[]).length > 0) compared.withErrors++;
  const d =
    differ("AST", canon(old.ast), canon(now.ast)) ??
    differ("diagnostics", canon(old.diagnostics), canon(now.diagnostics)) ??
    differ("comments", canon(old.comments), canon(now.comments)) ??
    differ("reference AST", canon(reference.ast), canon(now.ast)) ??
    differ("reference diagnostics", canon(reference.diagnostics), canon(now.diagnostics));
  if (d !== null || !withIR) return d;
  const oc = legacy.compile(text, file, { selfCheck: true });
  const nc = compilePolicyText(text, file, { selfCheck: true });
  if (nc.ir !== null) compared.compiled++;
  nc.diagnostics = asBefore(oc.diagnostics, nc.diagnostics);
  return (
    differ("IR", canon(oc.ir), canon(nc.ir)) ??
    differ("compile diagnostics", canon(oc.diagnostics), canon(nc.diagnostics)) ??
    differ("compile AST", canon(oc.ast), canon(nc.ast))
  );
}
