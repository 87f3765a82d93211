/**
 * The filing document (Article 7, A7.filing): the tiered management scheme the platform files with
 * the national or provincial cyberspace office, as one printable page: the tier table of every
 * category with its creator qualifications, credit levels, limits, the measures and their
 * deadlines, complaints, blacklist and retention.
 */
import type { PolicyIR, VersionIR } from "../ir/types.js";
import { ARTICLES } from "../law/articles.js";
import { code, h, p, zh, type Block, type Doc } from "./content.js";
import { durationMs } from "./describe.js";
import { SECTION_KINDS, sectionBlocks, noLinks, type SourceLinker } from "./sections.js";

/** What the filing document is made from. */
export interface FilingInputs {
  ir: PolicyIR;
  /** Links to source lines (default: none; a filing is read on paper). */
  link?: SourceLinker;
}

const FILING_CSS = `
.filing main { max-width: 60rem; }
.filing .sections { columns: 2 26rem; column-gap: 1.5rem; }
.filing .sections .table-wrap { break-inside: avoid; }
.filing .signature td { height: 2.2rem; }
.filing th code { white-space: nowrap; }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 8pt; }
  .filing .sections { columns: 2; column-gap: 10pt; }
  table.kv thead { display: none; }
  blockquote p { line-height: 1.5; }
  header.page { padding-top: 0; }
  h1 { font-size: 14pt; margin: 0 0 4pt; }
  h2 { font-size: 11pt; margin-top: 8pt; }
  table { font-size: 7.5pt; }
  th, td { padding: 1.5pt 3pt; }
  blockquote { padding: 3pt 6pt; }
  .table-wrap { margin: 3pt 0 5pt; overflow: visible; }
  footer.page { margin-top: 6pt; }
}
`;

function versionBlocks(ir: PolicyIR, v: VersionIR, link: SourceLinker): Block[] {
  const out: Block[] = [];
  out.push({
    t: "table",
    caption: "The scheme",
    head: ["Setting", "Policy"],
    cls: "kv",
    rowHeader: true,
    rows: [
      [["Policy"], [code(ir.name), ir.title ? ` — ${ir.title}` : ""]],
      [["Version"], [v.version]],
      [["In force from"], [`${v.effective} (${v.zone})`]],
      [["Events accepted out of order by up to"], [durationMs(v.toleranceMs)]],
      ...(ir.source ? [[["Source (SHA-256)"], [code(ir.source.file), ` ${ir.source.sha256}`]]] : []),
    ],
  });
  const tiers = [...sectionBlocks("categories", v, ir, link), ...sectionBlocks("tiers", v, ir, link)];
  out.push(h(2, undefined, "Categories, tiers and creator qualifications"), ...tiers);
  const rest: Block[] = [];
  for (const kind of SECTION_KINDS) {
    if (kind === "categories" || kind === "tiers" || kind === "measures") continue;
    rest.push(...sectionBlocks(kind, v, ir, link));
  }
  out.push(h(2, undefined, "Credit, limits and deadlines"), { t: "section", cls: "sections", blocks: rest });
  out.push(h(2, undefined, "Measures"), ...sectionBlocks("measures", v, ir, link));
  return out;
}

/** The filing document as a tree. */
export function filingDocument(inputs: FilingInputs): Doc {
  const { ir } = inputs;
  const link = inputs.link ?? noLinks;
  const a7 = ARTICLES.find((a) => a.number === 7)!;
  const title = `Filing: tiered management scheme of ${ir.title ?? ir.name}`;
  const blocks: Block[] = [
    h(1, "top", title),
    p("Filed under Article 7 of ", zh("互联网群组信息服务管理规定"), " (requirement ", code("A7.filing"), "). Every figure is the platform's choice; the regulation sets none."),
    { t: "quote", zh: true, children: [a7.textZh] },
  ];
  const multi = ir.versions.length > 1;
  for (const v of ir.versions) {
    if (multi) blocks.push(h(2, `version-${v.version}`, `Version ${v.version}`));
    blocks.push(...versionBlocks(ir, v, link));
  }
  blocks.push({
    t: "table",
    cls: "signature",
    caption: "Filed by",
    head: ["Provider", "Responsible person", "Date", "Received by (cyberspace office)"],
    rows: [[[""], [""], [""], [""]]],
  });
  return { title, blocks, css: FILING_CSS, cls: "filing" };
}
