/**
 * A small document tree shared by the documents (reviewer, filing, decision trail) and rendered
 * by ./html.ts and ./markdown.ts, so both formats say exactly the same thing. Text in the tree is
 * plain text: each renderer escapes it for its format.
 */

/** How a status is shown: green done, red gap, grey not applicable or not run. */
export type Tone = "ok" | "gap" | "na" | "muted";

/** Inline content: text, or text with a role (code, Chinese, a link, emphasis, a status). */
export type Inline =
  | string
  | { t: "code"; text: string }
  /** Chinese text: `lang="zh-CN"` in HTML. */
  | { t: "zh"; text: string }
  | { t: "link"; href: string; children: Inline[] }
  | { t: "strong"; children: Inline[] }
  | { t: "em"; children: Inline[] }
  /** A status word with its tone; the word itself carries the meaning, colour only repeats it. */
  | { t: "mark"; tone: Tone; children: Inline[] };

/** A table cell. */
export type Cell = Inline[];

/** A table: a caption, column headers and rows, optionally with a row header. */
export interface TableBlock {
  t: "table";
  caption: string;
  head: string[];
  rows: Cell[][];
  /** Which cell of each row is its header (`<th scope="row">`): `true` for the first, or a column index. */
  rowHeader?: boolean | number;
  id?: string;
  cls?: string;
  /** `data-*` attributes per row (HTML only; the decision trail filters on them). */
  rowData?: Record<string, string>[];
  /** A class per row (HTML only; "" for none), e.g. the seal row of the filing's provider block. */
  rowClass?: string[];
  /** An id per row (HTML only; "" for none): the anchors the decision trail links rules to. */
  rowId?: string[];
  /**
   * Rows per page (the decision trail): Markdown prints the rows as pages of this many, each a table
   * of its own with the column headers, headed "Page k of n"; HTML keeps one table, which the
   * page's pager shows this many rows at a time.
   */
  pageSize?: number;
}

/** Block content of a document. */
export type Block =
  | { t: "h"; level: 1 | 2 | 3 | 4; id?: string; children: Inline[] }
  | { t: "p"; children: Inline[]; cls?: string }
  /** A quotation; `zh` marks Chinese text. */
  | { t: "quote"; zh?: boolean; children: Inline[] }
  | { t: "ul"; items: Inline[][] }
  | TableBlock
  | { t: "pre"; text: string }
  | { t: "details"; summary: Inline[]; blocks: Block[] }
  | { t: "section"; id?: string; cls?: string; label?: string; blocks: Block[] }
  /** Two columns side by side in HTML (the law, then its implementation); one after the other in Markdown. */
  | { t: "columns"; left: Block[]; right: Block[] }
  /** A policy source listing with an anchor per line (`#L12`). */
  | { t: "source"; file: string; text: string }
  /** A table of contents. */
  | { t: "nav"; label: string; items: { href: string; children: Inline[] }[] }
  /** The decision trail's filter form and pager (HTML only; Markdown leaves it out). */
  | { t: "filters"; fields: FilterField[] };

/** One control of the decision trail's filter form. */
export interface FilterField {
  /** The row `data-*` key it filters on. */
  key: string;
  label: string;
  /** Choices for a select; absent for a text field. */
  options?: string[];
  /** How a text field matches: `exact` (ids) or `time-from` / `time-to` (RFC 3339 instants). */
  match?: "exact" | "time-from" | "time-to";
  placeholder?: string;
}

/** A document: a title and its blocks, with what the HTML page adds (CSS, script, body class). */
export interface Doc {
  title: string;
  /** The blocks of the page. */
  blocks: Block[];
  /** Extra CSS for this document (HTML). */
  css?: string;
  /** Inline script (HTML), e.g. the decision trail's filters. */
  script?: string;
  /** Class of the HTML `<body>`. */
  cls?: string;
  /** The document's language (default English); the Chinese filing is `zh-CN`. */
  lang?: "en" | "zh-CN";
}

/** The anchor of a rule, measure or engine rule in the reviewer document (`#rule-limits-member-cap`). */
export function ruleAnchor(name: string): string {
  return `rule-${name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "")}`;
}

/** Constructors of inline and block content. */
export const code = (text: string): Inline => ({ t: "code", text });
export const zh = (text: string): Inline => ({ t: "zh", text });
export const link = (href: string, ...children: Inline[]): Inline => ({ t: "link", href, children });
export const strong = (...children: Inline[]): Inline => ({ t: "strong", children });
export const em = (...children: Inline[]): Inline => ({ t: "em", children });
export const mark = (tone: Tone, ...children: Inline[]): Inline => ({ t: "mark", tone, children });
export const p = (...children: Inline[]): Block => ({ t: "p", children });
export const h = (level: 1 | 2 | 3 | 4, id: string | undefined, ...children: Inline[]): Block => (id === undefined ? { t: "h", level, children } : { t: "h", level, id, children });

/**
 * Text whose backquoted parts (`qungui docs --filing`) are code: notes and sentences written once
 * for every format, so that HTML never shows a literal backtick and Markdown keeps its code spans.
 */
export function withCode(text: string): Inline[] {
  const out: Inline[] = [];
  text.split(/(`[^`]+`)/).forEach((part, i) => {
    if (part === "") return;
    out.push(i % 2 === 1 ? { t: "code", text: part.slice(1, -1) } : part);
  });
  return out;
}

/** Inline items joined by a separator. */
export function join(items: Inline[][], sep: Inline = ", "): Inline[] {
  const out: Inline[] = [];
  items.forEach((it, i) => {
    if (i > 0) out.push(sep);
    out.push(...it);
  });
  return out;
}

/** The plain text of inline content (for ids, titles and checks). */
export function plain(items: readonly Inline[]): string {
  return items.map((i) => (typeof i === "string" ? i : "text" in i ? i.text : plain(i.children))).join("");
}
