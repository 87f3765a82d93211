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
import { PROVIDER_FIELDS, type Provider } from "./provider.js";
import { SECTION_KINDS, sectionBlocks, noLinks, type SourceLinker } from "./sections.js";

/** What the filing document is made from. */
export interface FilingInputs {
  ir: PolicyIR;
  /** Links to source lines (default: none; a filing is read on paper). */
  link?: SourceLinker;
  /** The provider's details from the provider file (./provider.ts); absent fields print blank. */
  provider?: Provider;
}

const FILING_CSS = `
.filing main { max-width: 60rem; }
.filing .sections { columns: 2 26rem; column-gap: 1.5rem; }
.filing .sections .table-wrap { break-inside: avoid; }
.filing table.provider td { height: 2.2rem; }
.filing table.provider tr.seal td { height: 6rem; }
.filing th code { white-space: nowrap; }
@page { size: A4; margin: 18mm 16mm 20mm; @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; font-family: system-ui, "Noto Sans", sans-serif; color: #555; } }
@media print {
  body { font-size: 10.5pt; }
  header.page, main, footer.page { max-width: none; padding: 0; }
  .filing .sections { columns: 1; }
  h1 { font-size: 17pt; margin: 0 0 6pt; }
  h2 { font-size: 13pt; margin-top: 12pt; }
  table { font-size: 10pt; break-inside: auto; }
  tr, th, td { break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  /* The provider block ends the document: a shorter seal cell and a tight footer keep the footer off a page of its own. */
  .filing table.provider td { height: 1.6rem; }
  .filing table.provider tr.seal td { height: 4.5rem; }
  footer.page { margin-top: 4pt; padding-bottom: 0; break-before: avoid; font-size: 9pt; }
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
  // The provider's details as the provider file gives them; what it leaves out stays blank, for handwriting.
  const pv = inputs.provider ?? {};
  const rows = [...PROVIDER_FIELDS.map((f) => [[f.en], [pv[f.key] ?? ""]]), [["Seal"], [""]]];
  blocks.push({
    t: "table",
    cls: "provider",
    caption: "Filed by (the provider fills in what is blank)",
    head: ["Field", "Provider"],
    rowHeader: true,
    rows,
    rowClass: rows.map((_, i) => (i === rows.length - 1 ? "seal" : "")),
  });
  return { title, blocks, css: FILING_CSS, cls: "filing" };
}
