/**
 * HTML rendering of the document tree (./content.ts): one static, self-contained page (inline CSS
 * and script, a Content-Security-Policy that forbids any network access), accessible (landmarks,
 * headings in order, tables with captions and `<th scope>`, `lang="en"` on the page and
 * `lang="zh-CN"` on Chinese text), and every text it prints escaped.
 */
import type { Block, Doc, FilterField, Inline, TableBlock } from "./content.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Runs of Chinese characters and CJK punctuation. */
const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+(?:[\s\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]*[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])?/g;

/** Escapes a text node and marks any Chinese in it `lang="zh-CN"` (a reason, a label, a title, a source comment). */
export function escText(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(CJK)) {
    out += esc(text.slice(last, m.index)) + `<span lang="zh-CN">${esc(m[0])}</span>`;
    last = m.index + m[0].length;
  }
  return out + esc(text.slice(last));
}

/** An id safe in HTML and in a URL fragment. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Only fragment, relative and http(s) links; anything else (javascript:, data:) is dropped. */
function safeHref(href: string): string | undefined {
  if (/^(#|\.{0,2}\/|https?:\/\/)/i.test(href) || /^[\w.-][\w./-]*(#[\w.-]*)?$/.test(href)) return href;
  return undefined;
}

/** Inline content as HTML; inside an element already marked `lang="zh-CN"`, Chinese is not marked again. */
export function inline(items: readonly Inline[], inZh = false): string {
  const text = inZh ? esc : escText;
  return items
    .map((i) => {
      if (typeof i === "string") return text(i);
      switch (i.t) {
        case "code":
          return `<code>${text(i.text)}</code>`;
        case "zh":
          return `<span lang="zh-CN">${esc(i.text)}</span>`;
        case "link": {
          const href = safeHref(i.href);
          return href === undefined ? inline(i.children, inZh) : `<a href="${esc(href)}">${inline(i.children, inZh)}</a>`;
        }
        case "strong":
          return `<strong>${inline(i.children, inZh)}</strong>`;
        case "em":
          return `<em>${inline(i.children, inZh)}</em>`;
        case "mark":
          return `<span class="tone-${i.tone}">${inline(i.children, inZh)}</span>`;
      }
    })
    .join("");
}

function attrs(a: Record<string, string | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v!)}"`)
    .join("");
}

function table(b: TableBlock, inZh = false): string {
  const head = b.head.map((c) => `<th scope="col">${inZh ? esc(c) : escText(c)}</th>`).join("");
  const rows = b.rows
    .map((r, i) => {
      const data = b.rowData?.[i] ?? {};
      const dataAttrs = attrs(Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${slug(k)}`, v])));
      const header = b.rowHeader === true ? 0 : typeof b.rowHeader === "number" ? b.rowHeader : -1;
      const cells = r.map((c, j) => (j === header ? `<th scope="row">${inline(c, inZh)}</th>` : `<td>${inline(c, inZh)}</td>`)).join("");
      const cls = b.rowClass?.[i] ? attrs({ class: b.rowClass[i] }) : "";
      const id = b.rowId?.[i] ? attrs({ id: b.rowId[i] }) : "";
      return `<tr${id}${cls}${dataAttrs}>${cells}</tr>`;
    })
    .join("\n");
  return `<div class="table-wrap"><table${attrs({ id: b.id, class: b.cls })}>\n<caption>${inZh ? esc(b.caption) : escText(b.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table></div>`;
}

function source(file: string, text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  const width = String(lines.length).length;
  const body = lines
    .map((l, i) => {
      const n = i + 1;
      return `<span class="line" id="L${n}"><a class="ln" href="#L${n}" aria-label="line ${n}">${String(n).padStart(width, " ")}</a> ${escText(l)}</span>`;
    })
    .join("");
  return `<figure class="source"><figcaption>${esc(file)}</figcaption><pre><code>${body}</code></pre></figure>`;
}

function filters(fields: readonly FilterField[]): string {
  const controls = fields
    .map((f) => {
      const id = `filter-${slug(f.key)}`;
      const control = f.options
        ? `<select id="${id}" data-filter="${esc(f.key)}"><option value="">all</option>${f.options.map((o) => `<option value="${esc(o)}">${esc(o)}</option>`).join("")}</select>`
        : `<input id="${id}" type="text" data-filter="${esc(f.key)}" data-match="${esc(f.match ?? "exact")}"${f.placeholder ? ` placeholder="${esc(f.placeholder)}"` : ""} autocomplete="off" spellcheck="false">`;
      return `<div class="filter"><label for="${id}">${esc(f.label)}</label>${control}</div>`;
    })
    .join("\n");
  return `<form class="filters" role="search" aria-label="Filter decisions" onsubmit="return false">\n${controls}\n<div class="filter"><button type="reset">Clear filters</button></div>\n</form>\n<p id="filter-status" role="status" aria-live="polite"></p>\n<div class="pager" role="navigation" aria-label="Pages of decisions"><button type="button" id="page-prev">Previous page</button> <span id="page-status"></span> <button type="button" id="page-next">Next page</button></div>`;
}

/** One block as HTML. */
export function block(b: Block, inZh = false): string {
  const il = (items: readonly Inline[]) => inline(items, inZh);
  const sub = (x: Block) => block(x, inZh);
  switch (b.t) {
    case "h":
      return `<h${b.level}${attrs({ id: b.id })}>${il(b.children)}</h${b.level}>`;
    case "p":
      return `<p${attrs({ class: b.cls })}>${il(b.children)}</p>`;
    case "quote":
      return `<blockquote${b.zh ? ' lang="zh-CN"' : ""}><p>${inline(b.children, b.zh || inZh)}</p></blockquote>`;
    case "ul":
      return `<ul>\n${b.items.map((i) => `<li>${il(i)}</li>`).join("\n")}\n</ul>`;
    case "table":
      return table(b, inZh);
    case "pre":
      return `<pre>${inZh ? esc(b.text) : escText(b.text)}</pre>`;
    case "details":
      return `<details><summary>${il(b.summary)}</summary>\n${b.blocks.map(sub).join("\n")}\n</details>`;
    case "section":
      return `<section${attrs({ id: b.id, class: b.cls, "aria-label": b.label })}>\n${b.blocks.map(sub).join("\n")}\n</section>`;
    case "columns":
      return `<div class="columns"><div class="law">\n${b.left.map(sub).join("\n")}\n</div><div class="impl">\n${b.right.map(sub).join("\n")}\n</div></div>`;
    case "source":
      return source(b.file, b.text);
    case "nav":
      return `<nav aria-label="${esc(b.label)}"><ul>\n${b.items.map((i) => `<li><a href="${esc(i.href)}">${il(i.children)}</a></li>`).join("\n")}\n</ul></nav>`;
    case "filters":
      return filters(b.fields);
  }
}

const BASE_CSS = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #555; --line: #c8c8c8; --bg-soft: #f5f5f2; --ok: #17643a; --ok-bg: #e3f3e8; --gap: #a4001d; --gap-bg: #fde8ea; --na: #4d4d4d; --na-bg: #ececec; --accent: #0b4f8a; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--fg); background: #fff; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; }
[lang="zh-CN"] { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; z-index: 10; }
header.page, main, footer.page { max-width: 78rem; margin: 0 auto; padding: 0 1.25rem; }
header.page { padding-top: 1.25rem; border-bottom: 2px solid var(--fg); }
h1 { font-size: 1.8rem; margin: .2rem 0 .6rem; }
h2 { font-size: 1.4rem; margin-top: 2.2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin: 1.1rem 0 .4rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
code { font: .92em/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--bg-soft); padding: 0 .2em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--bg-soft); padding: .6rem .8rem; overflow-x: auto; font: .85rem/1.4 ui-monospace, Menlo, Consolas, monospace; }
blockquote { margin: .6rem 0; padding: .6rem .9rem; background: #faf7ef; border-left: 4px solid #b38a2e; }
blockquote p { margin: 0; line-height: 1.8; }
.table-wrap { overflow-x: auto; margin: .6rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0 .4rem; }
table code { white-space: normal; overflow-wrap: anywhere; }
.columns td, .columns th { overflow-wrap: anywhere; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--bg-soft); }
tbody th { font-weight: 600; background: #fbfbf9; }
.tone-ok, .tone-gap, .tone-na, .tone-muted { display: inline-block; padding: 0 .35em; border-radius: 3px; font-weight: 600; }
.tone-ok { color: var(--ok); background: var(--ok-bg); }
.tone-gap { color: var(--gap); background: var(--gap-bg); }
.tone-na { color: var(--na); background: var(--na-bg); }
.tone-muted { color: var(--muted); font-weight: 400; }
.status { border: 2px solid var(--fg); padding: .8rem 1rem; margin: 1rem 0; }
.status.complete { border-color: var(--ok); background: var(--ok-bg); }
.status.incomplete { border-color: var(--gap); background: var(--gap-bg); }
.status .headline { font-size: 1.15rem; font-weight: 700; margin: 0 0 .4rem; }
.status h2 { margin-top: 0; border: 0; }
.status h3 { margin-top: .8rem; }
.meta { color: var(--muted); font-size: .9rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem .9rem; }
.columns { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 1.5rem; }
.columns > div { min-width: 0; }
@media (max-width: 60rem) { .columns { grid-template-columns: 1fr; } }
.article { border-top: 1px solid var(--line); margin-top: 1.8rem; }
.rules { list-style: none; padding: 0; }
.rules > li { margin: .5rem 0; }
.figure, figure.source { margin: 0; }
figure.source figcaption { font-weight: 600; margin: .4rem 0; }
figure.source pre { line-height: 1.45; }
.line { display: block; }
.line:target { background: #fff3bf; }
.ln { color: var(--muted); text-decoration: none; user-select: none; }
footer.page { margin-top: 3rem; padding-bottom: 2rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
@media print {
  .skip, nav, form.filters, #filter-status, .pager { display: none !important; }
  body { font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
  .columns { grid-template-columns: 2fr 3fr; }
  blockquote, figure.source figcaption { break-inside: avoid; }
  h2, h3, h4, caption { break-after: avoid; }
  /* Paper cannot open a <details>: print its content (Chromium hides it in ::details-content). */
  details::details-content { content-visibility: visible; display: contents; }
  details > *:not(summary) { display: block; }
  details > summary { list-style: none; font-weight: 600; }
  details > summary::-webkit-details-marker { display: none; }
  /* Tables wrap and repeat their header on every page; a row is never split. */
  .table-wrap { overflow: visible; }
  table { break-inside: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th, td { overflow-wrap: anywhere; }
  table code { white-space: normal; overflow-wrap: anywhere; }
  pre, figure.source pre { white-space: pre-wrap; overflow: visible; overflow-wrap: anywhere; }
}
`;

/** The whole page. `generator` goes in a `<meta>` and the footer. */
export function renderHtml(doc: Doc, opts: { generator: string; footer?: string }): string {
  const zhDoc = doc.lang === "zh-CN";
  const csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
  const [first, ...rest] = doc.blocks;
  const headerBlocks = first && first.t === "h" && first.level === 1 ? [first] : [];
  const body = headerBlocks.length ? rest : doc.blocks;
  return [
    "<!DOCTYPE html>",
    `<html lang="${zhDoc ? "zh-CN" : "en"}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    `<meta name="generator" content="${esc(opts.generator)}">`,
    `<title>${esc(doc.title)}</title>`,
    `<style>${BASE_CSS}${doc.css ?? ""}</style>`,
    "</head>",
    doc.cls ? `<body class="${esc(doc.cls)}">` : "<body>",
    `<a class="skip" href="#main">${zhDoc ? "跳至正文" : "Skip to the content"}</a>`,
    `<header class="page">${headerBlocks.map((b) => block(b, zhDoc)).join("\n")}</header>`,
    '<main id="main">',
    body.map((b) => block(b, zhDoc)).join("\n"),
    "</main>",
    `<footer class="page"><p>${(zhDoc ? esc : escText)(opts.footer ?? (zhDoc ? `本文件由 ${opts.generator} 根据策略生成。` : `Generated by ${opts.generator}.`))}</p></footer>`,
    doc.script ? `<script>${doc.script.replace(/<\/(script)/gi, "<\\/$1")}</script>` : "",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
