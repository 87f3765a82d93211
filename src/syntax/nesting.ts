/**
 * The nesting limit, checked on the tokens before parsing (./index.ts): the parser recurses once
 * per level.
 */
import type { TokenType } from "chevrotain";
import { Kw, LBrace, LBracket, LParen, RBrace, RBracket, RParen } from "./tokens.js";

/**
 * Deeper bracket nesting than this is refused before parsing: the recursive-descent parser would
 * run out of stack long before any real policy got there.
 */
export const MAX_NESTING = 64;

/**
 * The index of the first of `count` tokens that opens a level more than {@link MAX_NESTING} deep,
 * or -1: brackets and `if … else` nest, and so do runs of `not`.
 */
export function nestingLimit(count: number, typeAt: (i: number) => TokenType): number {
  let depth = 0;
  let nots = 0;
  for (let i = 0; i < count; i++) {
    const type = typeAt(i);
    nots = type === Kw.not ? nots + 1 : 0;
    if (type === LBrace || type === LBracket || type === Kw.if || type.CATEGORIES?.includes(LParen)) {
      if (++depth > MAX_NESTING) return i;
    } else if (type === RBrace || type === RBracket || type === Kw.else || type.CATEGORIES?.includes(RParen)) {
      depth = Math.max(0, depth - 1);
    }
    if (nots > MAX_NESTING) return i;
  }
  return -1;
}
