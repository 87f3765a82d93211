/** Hover: the innermost meaningful node under the cursor, described by ./describe.ts. */
import type * as A from "../ast/nodes.js";
import { canonicalPath } from "../vocab/paths.js";
import { describeDeclaration, describeDuration, describePath, describeRequirement } from "./describe.js";
import { nodesAt, type Analysis } from "./document.js";

export interface HoverResult {
  markdown: string;
  span: A.Node["span"];
}

export function hover(a: Analysis, offset: number): HoverResult | null {
  if (!a.ast) return null;
  const named = a.symbols.at(offset);
  if (named) {
    const decl = a.symbols.declarationsOf(named.kind, named.name)[0];
    if (decl) return { markdown: describeDeclaration(decl, a.symbols, a.source.text), span: named.span };
  }
  const path = nodesAt(a.ast, offset);
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i]!;
    switch (node.kind) {
      case "ReqRef":
        return { markdown: describeRequirement(node.id), span: node.span };
      case "Duration":
        return { markdown: describeDuration(node), span: node.span };
      case "PathExpr": {
        const text = describePath(node.parts.join(".")) ?? describePath(canonicalPath(node.parts.join(".")));
        if (text) return { markdown: text, span: node.span };
        break;
      }
      default:
        break;
    }
  }
  return null;
}
