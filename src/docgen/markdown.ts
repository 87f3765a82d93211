/**
 * Markdown (GitHub-flavoured) rendering of the document tree (./content.ts). Plain Markdown, no
 * inline HTML: text is escaped so that a name or a reason can never become markup, table cells
 * keep to one line, and colour is replaced by the status words the tree already carries.
 */
import { plain, type Block, type Doc, type Inline, type TableBlock } from "./content.js";

/** Escapes text so Markdown shows it literally. */
export function mdEscape(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(/^([#+\-=])/, "\\$1")
    .replace(/\r?\n/g, " ");
}

function codeSpan(text: string): string {
  const t = text.replace(/\r?\n/g, " ");
  const ticks = (t.match(/`+/g) ?? []).reduce((n, s) => Math.max(n, s.length), 0);
  const fence = "`".repeat(ticks + 1);
  const pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** Inline content as Markdown. */
export function mdInline(items: readonly Inline[]): string {
  return items
    .map((i) => {
      if (typeof i === "string") return mdEscape(i);
      switch (i.t) {
        case "code":
          return codeSpan(i.text);
        case "zh":
          return mdEscape(i.text);
        case "link":
          // Fragment links point at HTML ids, which Markdown renderers do not keep: plain text.
          if (i.href.startsWith("#")) return mdInline(i.children);
          return `[${mdInline(i.children)}](${i.href.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;
        case "strong":
          return `**${mdInline(i.children)}**`;
        case "em":
          return `*${mdInline(i.children)}*`;
        case "mark":
          return i.tone === "gap" ? `**${mdInline(i.children)}**` : mdInline(i.children);
      }
    })
    .join("");
}

function cell(items: readonly Inline[]): string {
  const s = mdInline(items);
  return s === "" ? " " : s;
}

function table(b: TableBlock): string {
  if (b.pageSize && b.rows.length > b.pageSize) return pagedTable(b, b.pageSize);
  const head = `| ${b.head.map(mdEscape).join(" | ")} |`;
  const sep = `|${b.head.map(() => " --- |").join("")}`;
  const header = b.rowHeader === true ? 0 : typeof b.rowHeader === "number" ? b.rowHeader : -1;
  const rows = b.rows.map((r) => `| ${r.map((c, j) => (j === header && plain(c) !== "" ? `**${cell(c)}**` : cell(c))).join(" | ")} |`);
  return [`*${mdEscape(b.caption)}*`, "", head, sep, ...rows].join("\n");
}

/** A long table as pages of `size` rows, as the HTML pager shows them: each with its headers. */
function pagedTable(b: TableBlock, size: number): string {
  const pages = Math.ceil(b.rows.length / size);
  const out: string[] = [];
  for (let k = 0; k < pages; k++) {
    const rows = b.rows.slice(k * size, (k + 1) * size);
    const first = k * size + 1;
    out.push(`**Page ${k + 1} of ${pages}** (rows ${first}–${first + rows.length - 1} of ${b.rows.length})`, table({ ...b, pageSize: undefined, caption: `${b.caption}, page ${k + 1} of ${pages}`, rows }));
  }
  return out.join("\n\n");
}

function fenced(text: string, info = ""): string {
  const longest = (text.match(/`{3,}/g) ?? []).reduce((n, s) => Math.max(n, s.length), 2);
  const fence = "`".repeat(longest + 1);
  return `${fence}${info}\n${text.replace(/\n$/, "")}\n${fence}`;
}

/** One block as Markdown (empty for blocks Markdown cannot show, such as the filter form). */
export function mdBlock(b: Block): string {
  switch (b.t) {
    case "h":
      return `${"#".repeat(b.level)} ${mdInline(b.children)}`;
    case "p":
      return mdInline(b.children);
    case "quote":
      return `> ${mdInline(b.children)}`;
    case "ul":
      return b.items.map((i) => `- ${mdInline(i)}`).join("\n");
    case "table":
      return table(b);
    case "pre":
      return fenced(b.text);
    case "details":
      return [mdInline(b.summary), ...b.blocks.map(mdBlock)].join("\n\n");
    case "section":
      return b.blocks.map(mdBlock).filter((s) => s !== "").join("\n\n");
    case "columns":
      return [...b.left, ...b.right].map(mdBlock).filter((s) => s !== "").join("\n\n");
    case "source": {
      const lines = b.text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
      const width = String(lines.length).length;
      return [`*${mdEscape(b.file)}*`, "", fenced(lines.map((l, i) => `${String(i + 1).padStart(width, " ")}  ${l}`).join("\n"))].join("\n");
    }
    case "nav": {
      // Headings make the table of contents in Markdown; only links to other documents remain.
      const other = b.items.filter((i) => !i.href.startsWith("#"));
      return other.length ? `See also: ${other.map((i) => `[${mdInline(i.children)}](${i.href})`).join(", ")}.` : "";
    }
    case "filters":
      return "";
  }
}

/** The whole document as Markdown, ending with the generator line. */
export function renderMarkdown(doc: Doc, opts: { generator: string; footer?: string }): string {
  const parts = doc.blocks.map(mdBlock).filter((s) => s !== "");
  parts.push(`---\n\n${mdEscape(opts.footer ?? (doc.lang === "zh-CN" ? `本文件由 ${opts.generator} 根据策略生成。` : `Generated by ${opts.generator}.`))}`);
  return `${parts.join("\n\n")}\n`;
}
