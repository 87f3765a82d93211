/**
 * The nesting limit, checked on the tokens before parsing (./index.ts): the parser recurses once
 * per level.
 */
import type { TokenType } from "chevrotain";
import { ALL_TOKENS, Kw, LBrace, LBracket, LParen, RBrace, RBracket, RParen } from "./tokens.js";

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
    const step = STEP[type.tokenTypeIdx!];
    if (step === 1) {
      if (++depth > MAX_NESTING) return i;
    } else if (step === -1) {
      depth = Math.max(0, depth - 1);
    }
    if (nots > MAX_NESTING) return i;
  }
  return -1;
}

/** By token type index: 1 for what opens a level (brackets, `if`), -1 for what closes one. */
const STEP = new Int8Array(Math.max(...ALL_TOKENS.map((t) => t.tokenTypeIdx!)) + 1);
for (const t of ALL_TOKENS) {
  if (t === LBrace || t === LBracket || t === Kw.if || t.CATEGORIES?.includes(LParen)) STEP[t.tokenTypeIdx!] = 1;
  else if (t === RBrace || t === RBracket || t === Kw.else || t.CATEGORIES?.includes(RParen)) STEP[t.tokenTypeIdx!] = -1;
}
