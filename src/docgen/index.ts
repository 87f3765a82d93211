/**
 * Documents generated from a policy's IR (`qungui docs`): the reviewer document with its coverage
 * matrix (./reviewer.ts, ./matrix.ts), the filing document of Article 7 (./filing.ts) and the
 * decision trail of Article 13 (./decisions.ts), each rendered as self-contained HTML
 * (./html.ts) or Markdown (./markdown.ts) from one document tree (./content.ts).
 */
import type { Doc } from "./content.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";

/** Output formats of the documents. */
export type DocFormat = "html" | "md";

/** Renders a document in a format; `generator` names the tool in the page's footer. */
export function render(doc: Doc, format: DocFormat, generator = "qungui docs"): string {
  return format === "html" ? renderHtml(doc, { generator }) : renderMarkdown(doc, { generator });
}

export { reviewerDocument, reviewerMatrix, reviewerRuleNames, type ReviewerInputs } from "./reviewer.js";
export { filingDocument, type FilingInputs } from "./filing.js";
export { filingDocumentZh, type FilingZhInputs } from "./filing-zh.js";
export { parseProvider, creditCodeProblem, PROVIDER_FIELDS, type Provider, type ProviderResult } from "./provider.js";
export { decisionsDocument, parseDecisions, trailPolicies, effectText, type DecisionsInputs, type ParsedDecisions, type TrailPolicies } from "./decisions.js";
export { buildMatrix, implementationItems, type Matrix, type MatrixRow, type MatrixSummary, type Mark, type ImplItem, type TestEvidence } from "./matrix.js";
export { collectTestEvidence } from "./tests.js";
export { ruleSentence, measureSentence, condition, trigger, actions } from "./describe.js";
export { renderHtml, esc } from "./html.js";
export { renderMarkdown, mdEscape } from "./markdown.js";
export type { Doc, Block, Inline } from "./content.js";
