/**
 * Where the cursor is, read from the text before it: the blocks open around it and the words of
 * the statement it is in. Completion needs this while the text is being typed, when it does not
 * parse, so it is read lexically (strings and comments skipped) rather than from the AST.
 */
import { BLOCK_OPENERS, type BlockKind } from "./keywords.js";

export interface Token {
  text: string;
  kind: "word" | "number" | "string" | "punct";
  start: number;
}

export interface CursorContext {
  /** The blocks open at the cursor, outermost first (`top` is always first). */
  blocks: BlockKind[];
  /** The complete tokens of the current statement before the cursor (since a brace or a line break). */
  statement: Token[];
  /** The part of a word the cursor is in or right after (what completion replaces). */
  partial: { start: number; text: string };
}

const WORD_START = /[\p{L}_]/u;
const WORD_CHAR = /[\p{L}\p{N}_.\-]/u;

/** The tokens of `text`, with line breaks as `\n` punctuation; comments and an unterminated string's tail are skipped. */
export function tokens(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      out.push({ text: "\n", kind: "punct", start: i++ });
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"' && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1;
      i++;
      out.push({ text: text.slice(start, i), kind: "string", start });
    } else if (/\d/.test(c)) {
      const start = i;
      while (i < text.length && /[\d:T-]/.test(text[i]!) && !(text[i] === "." && text[i + 1] === ".")) i++;
      out.push({ text: text.slice(start, i), kind: "number", start });
    } else if (WORD_START.test(c)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text[i]!) && !(text[i] === "." && text[i + 1] === ".")) i++;
      out.push({ text: text.slice(start, i), kind: "word", start });
    } else {
      const two = text.slice(i, i + 2);
      const len = ["..", "==", "!=", "<=", ">="].includes(two) ? 2 : 1;
      out.push({ text: text.slice(i, i + len), kind: "punct", start: i });
      i += len;
    }
  }
  return out;
}

export function cursorContext(text: string, offset: number): CursorContext {
  let start = offset;
  while (start > 0 && WORD_CHAR.test(text[start - 1]!)) start--;
  const partial = { start, text: text.slice(start, offset) };
  const toks = tokens(text.slice(0, start));
  const blocks: BlockKind[] = ["top"];
  let statementStart = 0;
  toks.forEach((t, i) => {
    if (t.text === "{") {
      blocks.push(opener(toks, i, blocks[blocks.length - 1]!));
      statementStart = i + 1;
    } else if (t.text === "}") {
      if (blocks.length > 1) blocks.pop();
      statementStart = i + 1;
    } else if (t.text === "\n") statementStart = i + 1;
  });
  return { blocks, statement: toks.slice(statementStart), partial };
}

/** The block a `{` opens: the nearest block keyword before it in its statement. */
function opener(toks: readonly Token[], brace: number, outer: BlockKind): BlockKind {
  for (let j = brace - 1; j >= 0; j--) {
    const t = toks[j]!;
    if (t.text === "{" || t.text === "}") break;
    const kind = t.kind === "word" ? BLOCK_OPENERS[t.text] : undefined;
    // `tier` opens a tier inside `tiers` or `for`; elsewhere (the top) it is not a block keyword.
    if (kind === "tier" && outer !== "tiers" && outer !== "for") continue;
    if (kind === "for" && outer !== "tiers") continue;
    if (kind) return kind;
  }
  return outer === "top" ? "rule" : outer;
}
