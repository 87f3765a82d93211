/** Parses and checks policy text for the checker's unit tests. */
import { expect } from "vitest";
import type { PolicyFile } from "../../../src/ast/nodes.js";
import { analyze, type CheckedPolicy } from "../../../src/check/index.js";
import type { Diagnostic } from "../../../src/source/diagnostic.js";
import { Source } from "../../../src/source/span.js";
import { parse } from "../../../src/syntax/index.js";

export const HEADER = `policy "t" version "1" {
  effective 2017-10-08 in Asia/Shanghai
}
`;

export const CAP = `
limits {
  serves A8.member-cap
  members per group 500
}
`;

export const KEEP = `
retention {
  serves A13.retention
  keep logs 6 months
}
`;

export const CREDIT = `
credit {
  serves A7.credit
  levels D < C < B < A
  default C
}
`;

export const CATEGORIES = `
categories {
  serves A7.tiers
  general "普通群"
  news-discussion "新闻讨论群"
}
`;

export const PROHIBITED = `
prohibited {
  serves A10.prohibited-content
  severities minor < serious
  fraud serious "诈骗"
  spam  minor   "垃圾广告"
}
`;

/** The smallest clean policy (header, member cap, retention) followed by `extra`. */
export function policy(extra = "", base = `${HEADER}${CAP}${KEEP}`): string {
  return `${base}\n${extra}\n`;
}

/** A policy with one rule; `sections` go before it. */
export function withRule(body: string, sections = ""): string {
  return policy(`${sections}\nrule r {\n${body}\n}`);
}

/** Parses `text`, failing the test on any syntax diagnostic, and returns the AST. */
export function parseOk(text: string, name = "t.qg"): PolicyFile {
  const result = parse(new Source(name, text));
  expect(result.diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`)).toEqual([]);
  expect(result.ast).not.toBeNull();
  return result.ast!;
}

export function analyzeText(text: string): CheckedPolicy {
  return analyze(parseOk(text));
}

export function diagnose(text: string): Diagnostic[] {
  return analyzeText(text).diagnostics;
}

/** `QG040 12:3 no tier for …`: the shape most assertions compare. */
export function brief(d: Diagnostic): string {
  return `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`;
}

export function codes(text: string): string[] {
  return diagnose(text).map((d) => d.code);
}

export function messages(text: string, code?: string): string[] {
  return diagnose(text)
    .filter((d) => code === undefined || d.code === code)
    .map((d) => d.message);
}

/** The single diagnostic with `code`; fails when there is not exactly one. */
export function only(text: string, code: string): Diagnostic {
  const found = diagnose(text).filter((d) => d.code === code);
  expect(found.map(brief)).toHaveLength(1);
  return found[0]!;
}
