/**
 * Writes the grammar of `.qg` files from the parser itself (`npm run grammar`):
 *
 * - grammar/qg.ebnf: EBNF printed from the parser's grammar productions (`getGAstProductions()`);
 * - grammar/railroad.html: chevrotain's railroad diagrams, made self-contained (the scripts and
 *   style chevrotain would load from a CDN are inlined from node_modules/chevrotain/diagrams), so
 *   the page works offline and does not change when a CDN does.
 *
 * Both files are committed; re-run this after changing src/syntax/parser.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Alternative as AlternativeNode, IProduction, Rule as RuleNode, TokenType } from "chevrotain";
// The same chevrotain instance as the parser's (src/syntax/chevrotain.ts): its grammar classes are
// compared with instanceof.
import {
  Alternation,
  Alternative,
  createSyntaxDiagramsCode,
  EOF,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Rule,
  Terminal,
} from "../src/syntax/chevrotain.js";
import { parser } from "../src/syntax/parser.js";
import {
  AddOp,
  Comma,
  CompareOp,
  DateTime,
  Ident,
  Integer,
  LParen,
  Name,
  Offset,
  ReqId,
  RParen,
  Str,
} from "../src/syntax/tokens.js";

// ---------------------------------------------------------------------------------------------
// EBNF

/** How a terminal is written in the EBNF. Categories print as the lexical class they stand for. */
function terminal(t: TokenType): string | null {
  switch (t) {
    case EOF:
      return null;
    case Ident:
      return "ident";
    case Name:
      return "name";
    case Str:
      return "string";
    case Integer:
      return "int";
    case DateTime:
      return "datetime";
    case Offset:
      return "offset";
    case ReqId:
      return "reqid";
    case Comma:
      return '","';
    case LParen:
      return '"("';
    case RParen:
      return '")"';
    case CompareOp:
      return '( "==" | "!=" | "<" | "<=" | ">" | ">=" )';
    case AddOp:
      return '( "+" | "-" )';
  }
  const label = t.LABEL ?? t.name;
  return '"' + label.replace(/^'|'$/g, "") + '"';
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

/** A sequence of productions. */
function sequence(prods: readonly IProduction[]): string {
  return prods
    .map((p) => production(p, true))
    .filter((s) => s !== "")
    .join(" ");
}

/** The inside of brackets or braces, which group already: a lone choice needs no parentheses. */
function inside(prods: readonly IProduction[]): string {
  const only = prods.length === 1 ? prods[0] : undefined;
  return only instanceof Alternation ? production(only, false) : sequence(prods);
}

/** One production; `nested` alternations are parenthesised. */
function production(p: IProduction, nested: boolean): string {
  if (p instanceof Terminal) return terminal(p.terminalType) ?? "";
  if (p instanceof NonTerminal) return kebab(p.nonTerminalName);
  if (p instanceof Option) return `[ ${inside(p.definition)} ]`;
  if (p instanceof Repetition) return `{ ${inside(p.definition)} }`;
  if (p instanceof RepetitionMandatory) {
    const body = sequence(p.definition);
    return `${body} { ${body} }`;
  }
  if (p instanceof RepetitionWithSeparator || p instanceof RepetitionMandatoryWithSeparator) {
    const body = sequence(p.definition);
    const sep = terminal(p.separator) ?? "";
    const list = `${body} { ${sep} ${body} }`;
    return p instanceof RepetitionWithSeparator ? `[ ${list} ]` : list;
  }
  if (p instanceof Alternation) {
    const alts = p.definition.map((a) => sequence((a as AlternativeNode).definition));
    return nested ? `( ${alts.join(" | ")} )` : alts.join(" | ");
  }
  if (p instanceof Alternative) return sequence(p.definition);
  throw new Error(`unknown grammar production ${p.constructor.name}`);
}

function rule(r: RuleNode): string {
  const name = kebab(r.name);
  const only = r.definition.length === 1 ? r.definition[0] : undefined;
  // A rule that is one alternation prints one alternative per line, aligned under the `=`.
  if (only instanceof Alternation && only.definition.length > 1) {
    const pad = " ".repeat(name.length + 1);
    const alts = only.definition.map((a) => sequence((a as AlternativeNode).definition));
    return `${name} = ${alts.join(`\n${pad}| `)} ;`;
  }
  return `${name} = ${sequence(r.definition)} ;`;
}

const EBNF_HEADER = `(* The grammar of qungui policy files (.qg), generated from src/syntax/parser.ts by
   \`npm run grammar\`; do not edit. docs/language.md explains every construct.

   Notation: "x" a keyword or punctuation; [ x ] optional; { x } zero or more; ( x | y ) a choice.
   A unit "minute(s)" is written "minute" or "minutes".

   Lexical classes (src/syntax/tokens.ts):
   ident    = a Unicode letter or "_", then letters, digits and "_", with single "-" between parts
              (news-discussion, 小组, set-info); reserved words excluded. The words group, groups,
              user, users, creator, join and mute appear in the grammar but remain idents.
   name     = an ident or any keyword (a path segment after ".", as in group.members).
   reqid    = "A" digits "." lowercase-hyphenated-name (A8.member-cap).
   int      = decimal digits, at most 2147483647.
   string   = '"' characters '"' on one line, with escapes \\" \\\\ \\n \\t \\u{4E2D}.
   datetime = YYYY-MM-DD [ "T" HH:MM [ ":" SS ] ].
   offset   = ( "+" | "-" ) HH:MM, from -12:00 to +14:00.
   Comments (// to end of line, /* … */) and white space may appear between any two tokens. *)
`;

export function ebnf(): string {
  const rules = parser.getGAstProductions();
  return EBNF_HEADER + "\n" + Object.values(rules).map(rule).join("\n\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Railroad diagrams

function railroad(): string {
  // chevrotain's exports hide its package.json; walk up from its entry point to the package root.
  let root = dirname(createRequire(import.meta.url).resolve("chevrotain"));
  while (!existsSync(join(root, "package.json")) || !existsSync(join(root, "diagrams"))) {
    const up = dirname(root);
    if (up === root) throw new Error("cannot find chevrotain's diagrams folder");
    root = up;
  }
  const diagrams = join(root, "diagrams");
  const read = (file: string) => readFileSync(join(diagrams, file), "utf8");
  const base = "qg-resources/";
  let html = createSyntaxDiagramsCode(parser.getSerializedGastProductions(), {
    resourceBase: base,
    css: `${base}diagrams.css`,
  });
  // A `</script>` inside inlined text would end the script element early.
  const inline = (text: string) => text.replace(/<\/(script|style)/gi, "<\\/$1");
  html = html.replace(`<link rel='stylesheet' href='${base}diagrams.css'>`, () => `<style>\n${inline(read("diagrams.css"))}\n</style>`);
  for (const file of ["vendor/railroad-diagrams.js", "src/diagrams_builder.js", "src/diagrams_behavior.js", "src/main.js"]) {
    const tag = `<script src='${base}${file}'></script>`;
    if (!html.includes(tag)) throw new Error(`chevrotain's diagram page no longer loads ${file}; update scripts/grammar.ts`);
    html = html.replace(tag, () => `<script>\n${inline(read(file))}\n</script>`);
  }
  html = html.replace(/window\.serializedGrammar = ([\s\S]*?);\n<\/script>/, (_m, json: string) => `window.serializedGrammar = ${inline(json)};\n</script>`);
  if (html.includes(base)) throw new Error("railroad.html still refers to external resources");
  // The doctype must come first (chevrotain puts a comment before it, which means quirks mode).
  const body = html.replace("<!-- This is a generated file -->", "").replace("<!DOCTYPE html>", "").trimStart();
  return (
    "<!DOCTYPE html>\n<!-- Generated from src/syntax/parser.ts by `npm run grammar`; do not edit. -->\n" +
    "<title>qungui policy grammar</title>\n" +
    body
  );
}

// ---------------------------------------------------------------------------------------------

const isMain = process.argv[1]?.replace(/\\/g, "/").endsWith("scripts/grammar.ts") === true;
if (isMain) {
  mkdirSync("grammar", { recursive: true });
  writeFileSync("grammar/qg.ebnf", ebnf());
  writeFileSync("grammar/railroad.html", railroad());
  console.log("wrote grammar/qg.ebnf and grammar/railroad.html");
}
