/**
 * One analysed version of a policy text: its diagnostics, AST, comments and symbol index. Every
 * language feature reads an Analysis; the server keeps the latest one per open document, so a
 * hover or a completion after an edit costs no second parse.
 */
import type * as A from "../ast/nodes.js";
import { walk, type AnyNode } from "../ast/walk.js";
import type { Diagnostic } from "../source/diagnostic.js";
import { Source } from "../source/span.js";
import type { ValueType } from "../vocab/paths.js";
import { diagnose } from "./diagnose.js";
import { indexSymbols, SymbolIndex } from "./symbols.js";

export interface Analysis {
  source: Source;
  ast: A.PolicyFile | null;
  comments: A.Comment[];
  diagnostics: Diagnostic[];
  syntaxErrors: boolean;
  types: ReadonlyMap<A.Expr, ValueType>;
  symbols: SymbolIndex;
}

export function analyse(file: string, text: string): Analysis {
  const source = new Source(file, text);
  const d = diagnose(source);
  const types = d.checked?.types ?? new Map<A.Expr, ValueType>();
  return {
    source,
    ast: d.parsed.ast,
    comments: d.parsed.comments,
    diagnostics: d.diagnostics,
    syntaxErrors: d.syntaxErrors,
    types,
    symbols: d.parsed.ast ? indexSymbols(d.parsed.ast, types) : new SymbolIndex(),
  };
}

/** The nodes whose span contains `offset`, outermost first (an offset at a node's end counts, as after a word). */
export function nodesAt(ast: A.PolicyFile, offset: number): AnyNode[] {
  const path: AnyNode[] = [];
  walk(ast, (node) => {
    if (node.span.start.offset <= offset && offset <= node.span.end.offset) {
      path.push(node);
      return true;
    }
    return node.kind === "PolicyFile";
  });
  return path;
}
