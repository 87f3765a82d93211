/**
 * The reviewer document: the regulation article by article, in the literate style of Catala. For
 * each of the 15 articles, the Chinese text quoted exactly and qungui's own English summary, and
 * beside them what the policy does about it: its sections as tables, its rules in plain English
 * with links to their source lines, and the status of every requirement id (implemented, tested,
 * verified). It opens with the coverage matrix and a one-sentence verdict, and ends with every
 * rule of the policy (Article 5's published rules, A5.published-rules) and the policy source.
 */
import type { PolicyIR, SpanIR, VersionIR } from "../ir/types.js";
import { ARTICLES, REGULATION_SOURCE, REQUIREMENTS, type Article } from "../law/articles.js";
import { policyId } from "../ir/identity.js";
import { changeHistory, decisionLines } from "./changes.js";
import type { SemanticDiff } from "../diff/semantic.js";
import { OBLIGATIONS } from "../law/organisational.js";
import type { Diagnostic } from "../source/diagnostic.js";
import type { Counterexample, VerifyReport } from "../verify/run.js";
import { code, em, h, join, link, mark, p, ruleAnchor, strong, withCode, zh, type Block, type Cell, type Doc, type Inline, type TableBlock, type Tone } from "./content.js";
import { ruleSentence } from "./describe.js";
import { ENGINE_RULES } from "./engine-rules.js";
import { buildMatrix, type ImplItem, type Mark, type Matrix, type MatrixRow, type TestEvidence } from "./matrix.js";
import { SECTION_KINDS, sectionBlocks, sectionCites, versionsTable, type SectionKind, type SourceLinker } from "./sections.js";

/**
 * A4 print: every column of every table on the page (fixed layout, cells wrap, nothing scrolls or
 * is clipped), the law and its implementation one after the other at full width, the lists of
 * tests printed open, page numbers in the bottom margin.
 */
const REVIEWER_CSS = `
@page { size: A4; margin: 14mm 12mm 16mm; @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt; font-family: system-ui, "Noto Sans", sans-serif; color: #555; } }
@media print {
  html { font-size: 12px; }
  body { font-size: 9.5pt; }
  header.page, main, footer.page { max-width: none; padding: 0; }
  .columns { display: block; }
  table { table-layout: fixed; font-size: 8.5pt; }
  th, td { padding: 2pt 3pt; }
  table.matrix th:nth-child(1) { width: 8%; }
  table.matrix th:nth-child(2) { width: 15%; }
  table.matrix th:nth-child(3) { width: 31%; }
  table.matrix th:nth-child(4) { width: 10%; }
  table.matrix th:nth-child(5) { width: 9%; }
  table.matrix th:nth-child(6) { width: 27%; }
  .tone-ok, .tone-gap, .tone-na { padding: 0 .2em; }
  h2 { font-size: 14pt; }
  h3 { font-size: 12pt; }
  .article { break-before: auto; }
  footer.page { margin-top: 8pt; padding-bottom: 0; break-before: avoid; }
}
`;

/** What the reviewer document is made from. */
export interface ReviewerInputs {
  ir: PolicyIR;
  /** The policy text, embedded as the last section (links then point into it). */
  source?: { file: string; text: string } | null;
  tests?: TestEvidence | null;
  verify?: VerifyReport | null;
  /** The compiler's diagnostics (a policy compiled leniently may have requirement errors). */
  diagnostics?: readonly Diagnostic[];
  /**
   * Where a source position links to. Default: `#L<line>` when `source` is given (HTML embeds
   * it), otherwise no link.
   */
  sourceHref?: (span: SpanIR) => string | null;
  /** Other documents generated alongside, linked from this one. */
  links?: { filing?: string; decisions?: string };
  /** Generation metadata: qungui's version, and the date given with `--date` (none by default, so the output is reproducible). */
  meta?: { version: string; date?: string };
  /** Per amended version (by its label): what it changes in decisions, from `qungui diff` against the version before. */
  amendmentDiffs?: ReadonlyMap<string, SemanticDiff>;
}

const TONE: Record<Mark, Tone> = { yes: "ok", no: "gap", partial: "gap", fail: "gap", "n/a": "na", "not-run": "na" };

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** `第八条` from the quoted text. */
function articleLabelZh(a: Article): string {
  return a.textZh.split(/\s/)[0] ?? "";
}

function markCell(m: Mark, yes: string, extra?: string): Inline {
  const word = m === "yes" ? yes : m === "no" ? "no" : m === "partial" ? "partly" : m === "fail" ? "FAIL" : m === "n/a" ? "n/a" : "not run";
  return mark(TONE[m], extra ? `${word} ${extra}` : word);
}

function implementedMark(r: MatrixRow): Inline {
  // Only a compiler error about the requirement makes its implementation fail (./matrix.ts).
  if (r.implemented === "fail") return mark("gap", "compiler error");
  return markCell(r.implemented, "yes");
}

function testedMark(r: MatrixRow): Inline {
  const n = r.tests.length;
  const count = n ? `(${n} test${n === 1 ? "" : "s"})` : undefined;
  return markCell(r.tested, "yes", r.tested === "yes" || r.tested === "partial" ? count : undefined);
}

function verifiedMark(r: MatrixRow): Inline {
  if (r.verified === "yes") return mark("ok", r.verify?.proof === "proved" ? "PASS (proved)" : r.verify?.proof === "tested" ? "PASS (tested)" : "PASS");
  if (r.verified === "n/a" && r.verify) return mark("na", "n/a");
  return markCell(r.verified, "PASS");
}

/** JSON of a counterexample's events, with identity values never shown (A6.pii). */
function redactedEvents(cx: Counterexample): string {
  return cx.events.map((e) => JSON.stringify(e, (k, v: unknown) => (k.toLowerCase() === "identity" ? "[redacted]" : v))).join("\n");
}

class Reviewer {
  readonly matrix: Matrix;
  readonly link: SourceLinker;
  private readonly primaryArticle = new Map<SectionKind, number>();

  constructor(private readonly inp: ReviewerInputs) {
    this.matrix = buildMatrix(inp.ir, { tests: inp.tests ?? null, verify: inp.verify ?? null, diagnostics: inp.diagnostics ?? null });
    const href = inp.sourceHref ?? (inp.source ? (s: SpanIR) => `#L${s.line}` : () => null);
    this.link = (span) => {
      if (!span) return [];
      const text = `${basename(span.file)}:${span.line}`;
      const target = href(span);
      return target ? [link(target, code(text))] : [code(text)];
    };
    for (const kind of SECTION_KINDS) {
      const arts = inp.ir.versions.flatMap((v) => sectionCites(kind, v)).map((req) => REQUIREMENTS.find((r) => r.id === req)?.article ?? 0).filter((n) => n > 0);
      if (arts.length) this.primaryArticle.set(kind, Math.min(...arts));
    }
  }

  private get ir(): PolicyIR {
    return this.inp.ir;
  }

  private get multi(): boolean {
    return this.ir.versions.length > 1;
  }

  private versionNote(item: ImplItem): Inline[] {
    if (!this.multi || item.versions.length === this.ir.versions.length) return [];
    return [` (version${item.versions.length === 1 ? "" : "s"} ${item.versions.join(", ")})`];
  }

  private itemRef(item: ImplItem): Inline[] {
    const l = this.link(item.span);
    return l.length ? [code(item.name), " ", ...l] : [code(item.name)];
  }

  /** Items of a matrix cell: rules, measures, timers (one per name), then sections by name. */
  private itemRefs(items: readonly ImplItem[]): Inline[][] {
    const seen = new Set<string>();
    const out: Inline[][] = [];
    for (const i of items) {
      if (i.kind === "section" || seen.has(i.name)) continue;
      seen.add(i.name);
      out.push(this.itemRef(i));
    }
    for (const i of items) if (i.kind === "section") out.push([i.name]);
    return out;
  }

  doc(): Doc {
    const ir = this.ir;
    const title = `Reviewer document: ${ir.title ?? ir.name}`;
    return {
      title,
      blocks: [h(1, "top", title), ...this.intro(), ...this.metadata(), this.status(), this.nav(), ...this.matrixSection(), ...this.articles(), ...this.diagnostics(), ...this.published(), ...this.sourceSection()],
      css: REVIEWER_CSS,
      cls: "reviewer",
    };
  }

  private intro(): Block[] {
    const ir = this.ir;
    const versions = ir.versions.map((v) => `${v.version} (from ${v.effective})`).join(", ");
    const from = ir.source ? [" compiled from ", code(ir.source.file), ` (SHA-256 ${ir.source.sha256})`] : [" given as IR"];
    return [
      {
        t: "p",
        cls: "meta",
        children: ["Policy ", code(ir.name), `, version${ir.versions.length === 1 ? "" : "s"} ${versions},`, ...from, ". Regulation: ", zh("互联网群组信息服务管理规定"), " (Internet Group Information Service Provisions, Cyberspace Administration of China, 2017)."],
      },
      p(
        "This document shows, article by article, how the policy implements the regulation. The Chinese text of each article is quoted exactly; the English summaries and the article titles are qungui's own, not translations. ",
        "Every number in the policy (caps, thresholds, windows, deadlines) is the platform's choice: the regulation sets none.",
      ),
    ];
  }

  /** Who made the document from what, and the approval fields to be signed on paper. */
  private metadata(): Block[] {
    const ir = this.ir;
    const meta = this.inp.meta;
    const rows: Cell[][] = [
      ...(meta ? [[["Generated by"], [`qungui ${meta.version} (`, code("qungui docs"), ")"]] as Cell[]] : []),
      [["Policy"], [code(ir.name), ...(ir.title ? [` — ${ir.title}`] : [])]],
      [["Policy id"], [code(policyId(ir))]],
      [["Versions"], [ir.versions.map((v) => `${v.version} from ${v.effective}`).join("; ")]],
      ...(ir.source ? [[["Policy source"], [code(ir.source.file), " SHA-256 ", code(ir.source.sha256)]] as Cell[]] : []),
      [["Regulation text"], [zh(`${REGULATION_SOURCE.title}`), ` (${REGULATION_SOURCE.issuer === "国家互联网信息办公室" ? "Cyberspace Administration of China" : REGULATION_SOURCE.issuer}, issued ${REGULATION_SOURCE.issued}, in force from ${REGULATION_SOURCE.effective}), quoted from `, code(REGULATION_SOURCE.copy)]],
      [["Date"], [meta?.date ?? "not given (generate with --date YYYY-MM-DD to date the document)"]],
    ];
    return [
      { t: "table", id: "document-metadata", cls: "kv", caption: "About this document", head: ["Item", "Value"], rowHeader: true, rows },
      { t: "table", id: "approval", cls: "approval", caption: "Approval (to be filled in and signed)", head: ["Role", "Name", "Signature", "Date"], rowHeader: true, rows: [[["Prepared by"], [""], [""], [""]], [["Reviewed by"], [""], [""], [""]], [["Approved by"], [""], [""], [""]]] },
    ];
  }

  private status(): Block {
    const { summary, rows } = this.matrix;
    const blocks: Block[] = [{ t: "h", level: 2, id: "status", children: ["Status"] }, { t: "p", cls: "headline", children: [summary.complete ? mark("ok", "Complete.") : summary.gapReqs.length ? mark("gap", "Gaps found.") : mark("gap", "Incomplete."), " ", summary.headline] }];
    const items: Inline[][] = [];
    items.push([`Implemented: ${summary.implemented} of ${summary.applicable} requirements that rules can implement.`]);
    const t = this.inp.tests;
    if (!t) items.push([mark("gap", "Tests: none."), " No policy test file was found beside the policy."]);
    else if (t.problems.length) items.push([mark("gap", "Tests: did not run."), " ", code(t.file), ` has errors: ${t.problems[0]}`]);
    else items.push([`Tests: `, code(t.file), `, ${t.passed} passed, ${t.failed} failed; ${summary.tested} of ${summary.applicable} requirements fully tested.`]);
    const v = this.inp.verify;
    if (!v) items.push([mark("na", "Verification: not run."), " Generate with ", code("--verify"), " to check the policy against every requirement."]);
    else {
      const pass = v.results.filter((r) => r.status === "pass").length;
      const fail = v.results.filter((r) => r.status === "fail").length;
      const na = v.results.filter((r) => r.status === "not-applicable").length;
      items.push([`Verification (seed ${v.seed}, ${v.runs} generated streams): ${pass} pass, `, fail ? mark("gap", `${fail} fail`) : "0 fail", `, ${na} not applicable.`]);
    }
    items.push([mark("na", `Organisational: ${summary.organisational} obligations outside the policy.`), " Staff, technical capacity, the management systems of Article 5, Articles 4, 12 and 13: no engine rule covers them; each article lists them as a checklist."]);
    const errors = (this.inp.diagnostics ?? []).filter((d) => d.severity === "error");
    if (errors.length) items.push([mark("gap", `Compiler: ${errors.length} error${errors.length === 1 ? "" : "s"}.`), " See ", link("#diagnostics", "Compiler diagnostics"), "."]);
    blocks.push({ t: "ul", items });
    const gaps = rows.filter((r) => r.gaps.length && !r.req.declaratory && r.req.kind !== "doc");
    if (gaps.length) {
      blocks.push(h(3, "gaps", "Gaps"));
      blocks.push({ t: "ul", items: gaps.map((r) => [link(`#req-${r.req.id}`, code(r.req.id)), ": ", mark("gap", ...withCode(r.gaps.join("; ")))]) });
    }
    return { t: "section", id: "status-box", cls: `status ${summary.complete ? "complete" : "incomplete"}`, label: "Status", blocks };
  }

  private nav(): Block {
    const items: { href: string; children: Inline[] }[] = [
      { href: "#status", children: ["Status"] },
      { href: "#matrix", children: ["Coverage matrix"] },
      ...ARTICLES.map((a) => ({ href: `#article-${a.number}`, children: [`Art. ${a.number}`] as Inline[] })),
      { href: "#published-rules", children: ["Published rules"] },
      ...(this.multi ? [{ href: "#change-history", children: ["Change history"] as Inline[] }] : []),
    ];
    if (this.inp.source) items.push({ href: "#source", children: ["Policy source"] });
    if (this.inp.links?.filing) items.push({ href: this.inp.links.filing, children: ["Filing document"] });
    if (this.inp.links?.decisions) items.push({ href: this.inp.links.decisions, children: ["Decision trail"] });
    return { t: "nav", label: "Contents", items };
  }

  private matrixSection(): Block[] {
    const rows: Cell[][] = this.matrix.rows.map((r) => [
      [link(`#article-${r.req.article}`, `Art. ${r.req.article}`)],
      [link(`#req-${r.req.id}`, code(r.req.id))],
      r.items.length ? [implementedMark(r), " ", ...join(this.itemRefs(r.items), ", ")] : r.req.declaratory ? [mark("na", "declaratory")] : [implementedMark(r)],
      [testedMark(r)],
      [verifiedMark(r)],
      r.gaps.length ? [mark("gap", ...withCode(r.gaps.join("; ")))] : r.note && (r.req.declaratory || r.req.kind === "doc") ? [mark("muted", r.req.declaratory ? "nothing to execute" : "met by the documents")] : this.notRun(r),
    ]);
    const table: TableBlock = { t: "table", id: "coverage-matrix", cls: "matrix", caption: "Coverage matrix: article → requirement → what implements it → tests → verification", head: ["Article", "Requirement", "Implemented by", "Tested", "Verified", "Gaps"], rowHeader: 1, rows };
    return [
      h(2, "matrix", "Coverage matrix"),
      p(
        "One row per requirement id. ",
        strong("Implemented by"),
        " lists the rules, measures and timers whose citations include the id (then the sections that declare it); ",
        strong("Tested"),
        " says whether the policy's tests exercise it: every listed rule, measure and timer decided in some test (for a requirement that only sections or the engine implement, a test's decision cites it); ",
        strong("Verified"),
        " is the result of ",
        code("qungui verify"),
        " for the id. Gaps are in red.",
      ),
      table,
    ];
  }

  /** A row with no gap found: "—" only when tests and verify both ran; otherwise what did not run (no gap is known, none is ruled out). */
  private notRun(r: MatrixRow): Cell {
    const missing = [r.tested === "not-run" ? "tests" : "", r.verified === "not-run" ? "verify" : ""].filter(Boolean);
    return missing.length ? [mark("na", `not run (${missing.join(", ")})`)] : ["—"];
  }

  private requirementTable(a: Article, reqs: MatrixRow[]): Block[] {
    const out: Block[] = [];
    out.push({
      t: "table",
      caption: `Requirements of Article ${a.number}`,
      head: ["Requirement", "What it asks (our summary)", "Implemented", "Tested", "Verified"],
      rowHeader: true,
      rows: reqs.map((r) => [[code(r.req.id)], [r.req.summary], [r.req.declaratory ? mark("na", "declaratory") : implementedMark(r)], [testedMark(r)], [verifiedMark(r)]]),
    });
    for (const r of reqs) {
      const detail: Block[] = [];
      if (r.gaps.length) detail.push({ t: "p", children: [code(r.req.id), ": ", mark("gap", ...withCode(`gap: ${r.gaps.join("; ")}`))] });
      if (r.note && !r.req.declaratory) detail.push(p(code(r.req.id), ": ", ...withCode(r.note)));
      if (r.verify?.status === "not-applicable" && r.verify.detail) detail.push(p(code(r.req.id), ": verify has nothing to check: ", ...withCode(r.verify.detail), "."));
      const cx = r.verify?.counterexample;
      if (r.verify?.status === "fail") {
        const blocks: Block[] = [p(...withCode(r.verify.detail ?? "verification failed"))];
        if (cx) {
          if (cx.violation.decision) blocks.push(p("Decision that breaks it: ", code(cx.violation.decision.rule), ` → ${cx.violation.decision.outcome}: ${cx.violation.decision.reason}`, ...(cx.span ? [" (", ...this.link(cx.span), ")"] : [])));
          blocks.push(p(`Shortest event stream found (${cx.events.length} event${cx.events.length === 1 ? "" : "s"}; identity values redacted):`));
          blocks.push({ t: "pre", text: redactedEvents(cx) });
        }
        detail.push({ t: "details", summary: [mark("gap", `Verify fails ${r.req.id}`), ": counterexample"], blocks });
      }
      if (r.tests.length) detail.push({ t: "details", summary: [`Tests that exercise ${r.req.id} (${r.tests.length})`], blocks: [{ t: "ul", items: r.tests.map((t) => [r.failingTests.includes(t) ? mark("gap", `FAIL ${t}`) : t]) }] });
      // The requirement's anchor is under its own article (A11.responsibility also serves Article 9).
      if (r.req.article === a.number) out.push({ t: "section", id: `req-${r.req.id}`, cls: "req", blocks: detail });
      else out.push(...detail);
    }
    return out;
  }

  /** The section tables an article shows: in full under its first article, as a reference elsewhere. */
  private sectionsFor(a: Article): Block[] {
    const out: Block[] = [];
    for (const kind of SECTION_KINDS) {
      const primary = this.primaryArticle.get(kind);
      if (primary === undefined) continue;
      const serves = this.ir.versions.some((v) => sectionCites(kind, v).some((req) => {
        const r = REQUIREMENTS.find((x) => x.id === req);
        return r !== undefined && (r.article === a.number || (r.alsoArticles ?? []).includes(a.number));
      }));
      if (!serves) continue;
      if (primary !== a.number) {
        out.push(p(`The ${kind} section also serves this article: see `, link(`#section-${kind}`, `Article ${primary}`), "."));
        continue;
      }
      let prev: string | undefined;
      const shown: Block[] = [];
      this.ir.versions.forEach((v, i) => {
        const blocks = sectionBlocks(kind, v, this.ir, this.link);
        const canon = JSON.stringify(blocks, (k, val: unknown) => (k === "href" ? undefined : val));
        if (i > 0 && canon === prev) return;
        prev = canon;
        if (!blocks.length) return;
        if (this.multi) shown.push(p(em(`Version ${v.version}, from ${v.effective}:`)));
        shown.push(...blocks);
      });
      if (shown.length) out.push({ t: "section", id: `section-${kind}`, cls: "policy-section", blocks: shown });
    }
    return out;
  }

  private rulesFor(a: Article, reqs: MatrixRow[]): Block[] {
    const seen = new Set<string>();
    const items: ImplItem[] = [];
    for (const r of reqs) {
      for (const it of r.items) {
        if (it.kind === "section" || it.kind === "measure") continue;
        const key = `${it.kind}:${it.name}:${it.on?.join(",") ?? ""}`;
        if (seen.has(key)) continue;
        seen.add(key);
        items.push(it);
      }
    }
    if (!items.length) return [];
    const li = (it: ImplItem): Inline[] => {
      const origin = it.kind === "rule" ? (it.origin === "builtin" ? " Built into every compiled policy (docs/engine.md)." : it.origin === "section" ? "" : " The policy's own rule.") : "";
      const kindWord: Inline[] = it.kind === "timer" ? [strong("Timer"), " "] : it.kind === "engine" ? [strong("Engine"), " "] : it.kind === "document" ? [strong("Document"), " "] : [];
      const because = it.because ? [` Reason given: “${it.because}”.`] : [];
      const src = this.link(it.span);
      return [...kindWord, code(it.name), ...this.versionNote(it), ": ", ...withCode(it.text), ...because, origin, ...(src.length ? [" Source: ", ...src, "."] : []), " Serves ", ...join(it.cites.map((c) => [code(c)])), "."];
    };
    return [h(4, undefined, "Rules that implement it"), { t: "ul", items: items.map(li) }];
  }

  private articles(): Block[] {
    const out: Block[] = [h(2, "articles", "The regulation, article by article")];
    for (const a of ARTICLES) {
      const reqs = this.matrix.rows.filter((r) => r.req.article === a.number || (r.req.alsoArticles ?? []).includes(a.number));
      const left: Block[] = [
        { t: "quote", zh: true, children: [a.textZh] },
        p(strong("Summary (ours, not a translation):"), ` ${a.summaryEn}`),
      ];
      const right: Block[] = [];
      if (a.declaratory) {
        left.push(p(mark("na", "Declaratory."), " This article states purpose, authority, orientation or liability: it asks nothing a policy can execute, so no rule implements it."));
      }
      right.push(...this.requirementTable(a, reqs));
      if (!a.declaratory) {
        right.push(...this.sectionsFor(a));
        right.push(...this.rulesFor(a, reqs));
      }
      right.push(...this.organisational(a));
      if (!a.declaratory) {
        if (a.number === 5) right.push(p("The platform's rules are published by this document: see ", link("#published-rules", "Published rules"), "."));
        if (a.number === 7) {
          const filing = this.inp.links?.filing;
          right.push(p("The tiered management scheme to be filed with the authority (", code("A7.filing"), ") is rendered as a printable document in Chinese: ", ...(filing ? [link(filing, "the filing document")] : ["the filing document, made by ", code("qungui docs --filing")]), "."));
        }
      }
      out.push({
        t: "section",
        id: `article-${a.number}`,
        cls: "article",
        blocks: [h(3, undefined, `Article ${a.number} (`, zh(articleLabelZh(a)), "): ", zh(a.titleZh)), { t: "columns", left, right }],
      });
    }
    return out;
  }

  /** What the article asks of the organisation rather than of the policy, as a checklist. */
  private organisational(a: Article): Block[] {
    const obs = OBLIGATIONS.filter((o) => o.article === a.number);
    if (!obs.length) return [];
    return [
      h(4, undefined, "Organisational obligations, outside the policy"),
      p(mark("na", "Not covered by the engine."), ` No rule can carry ${obs.length === 1 ? "this obligation" : `these ${obs.length} obligations`}: the organisation meets ${obs.length === 1 ? "it" : "them"}. The reviewer checks each line.`),
      {
        t: "table",
        cls: "organisational",
        caption: `Organisational obligations of Article ${a.number} (checklist)`,
        head: ["Obligation", "The regulation", "What it asks (our summary)", "Checklist"],
        rowHeader: true,
        rows: obs.map((o) => [[code(o.id)], [zh(o.clause)], [o.summary], [`☐ ${o.check}`]]),
      },
    ];
  }

  private diagnostics(): Block[] {
    const ds = this.inp.diagnostics ?? [];
    if (!ds.length) return [];
    return [
      h(2, "diagnostics", "Compiler diagnostics"),
      p("The policy was compiled leniently so that it can be documented and verified; these are the problems the compiler reported."),
      {
        t: "table",
        caption: "Diagnostics",
        head: ["Code", "Severity", "Message", "Where", "Requirements"],
        rowHeader: true,
        rows: ds.map((d) => [[code(d.code)], [d.severity === "error" ? mark("gap", "error") : "warning"], [d.message], this.link({ file: d.span.file, line: d.span.start.line, column: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column }), d.reqs?.length ? join(d.reqs.map((r) => [code(r)])) : ["—"]]),
      },
    ];
  }

  /** Rule names that already have their anchor (the first version that has the rule gets it). */
  private readonly anchored = new Set<string>();

  private anchor(name: string): string {
    if (this.anchored.has(name)) return "";
    this.anchored.add(name);
    return ruleAnchor(name);
  }

  private publishedVersion(v: VersionIR): Block[] {
    const ruleRows: Cell[][] = v.rules.map((r, i) => [
      [String(i + 1)],
      [code(r.name)],
      [ruleSentence(r), ...(r.origin === "permit" ? [" An allow states that every requirement it cites was checked and held."] : [])],
      join(r.cites.map((c) => [link(`#article-${c.article}`, `Art. ${c.article}`), " ", code(c.req)])),
      this.link(this.ir.spans[r.id]).length ? this.link(this.ir.spans[r.id]) : [r.origin === "builtin" ? "built in" : r.origin === "permit" ? "permit" : "—"],
    ]);
    return [
      {
        t: "table",
        id: `rules-${v.version}`,
        caption: `Rules of version ${v.version}, in the order they are applied (deny overrides allow; the first matching deny decides)`,
        head: ["#", "Rule", "What it does", "Serves", "Source"],
        rowHeader: 1,
        rows: ruleRows,
        rowId: v.rules.map((r) => this.anchor(r.name)),
      },
      ...sectionBlocks("measures", v, this.ir, this.link).map((b) => (b.t === "table" ? { ...b, rowId: v.measures.map((m) => this.anchor(m.name)) } : b)),
    ];
  }

  private published(): Block[] {
    const out: Block[] = [
      h(2, "published-rules", "Published rules"),
      p(
        "Article 5 asks the platform to publish its management rules (",
        code("A5.published-rules"),
        "). These are all the rules that decide events under the policy, each with the article and requirement it serves: the rules the policy's sections are lowered into, the policy's own rules, the checks built into every compiled policy and the measures applied to flagged content (per version), then the rules the engine itself applies whatever the policy (facts, the clock, complaints, leaving, flags in unknown groups, events before the policy takes effect, the integrity guards). Conditions are described in English; ",
        code("qungui explain"),
        " shows how each was evaluated for a given event.",
      ),
    ];
    for (const v of this.ir.versions) {
      if (this.multi) out.push(h(3, `published-${v.version}`, `Version ${v.version}, from ${v.effective}`));
      out.push(...this.publishedVersion(v));
    }
    out.push(h(3, "engine-rules", "Rules of the engine"), p("The engine applies these rules under every policy; no policy can change them (docs/engine.md)."), {
      t: "table",
      id: "engine-rules-table",
      caption: "Rules built into the engine, whatever the policy",
      head: ["Rule", "On", "Outcome", "What it does", "Serves"],
      rowHeader: true,
      rowId: ENGINE_RULES.map((r) => this.anchor(r.name)),
      rows: ENGINE_RULES.map((r) => [[code(r.name)], join(r.on.map((e) => [e.includes(" ") ? e : code(e)])), [r.outcome], [r.text], r.cites.length ? join(r.cites.map((c) => [link(`#req-${c}`, code(c))])) : ["—"]]),
    });
    out.push(versionsTable(this.ir, this.link));
    out.push(...this.changes());
    return out;
  }

  /** What each amendment changed, from the IR. */
  private changes(): Block[] {
    const history = changeHistory(this.ir);
    if (!history.length) return [];
    const out: Block[] = [h(3, "change-history", "Change history"), p("What each version changes from the one before, as the engine applies it from the version's effective instant: sections, rules and measures added, changed or removed, with the parameters that moved.")];
    for (const c of history) {
      out.push(h(4, undefined, `Version ${c.version}, from ${c.effective}`));
      out.push(c.lines.length ? { t: "ul", items: c.lines.map((l) => [l]) } : p("No change in what the engine does (citations or comments only)."));
      const d = this.inp.amendmentDiffs?.get(c.version);
      if (d) out.push(p("What it decides differently, proved over every state by the solver (qungui diff):"), { t: "ul", items: decisionLines(d).map((l) => [l]) });
    }
    return out;
  }

  private sourceSection(): Block[] {
    const s = this.inp.source;
    if (!s) return [];
    return [h(2, "source", "Policy source"), p("The policy as written, with line numbers; the source links above point here."), { t: "source", file: s.file, text: s.text }];
  }
}

/** The reviewer document as a tree, ready for ./html.ts or ./markdown.ts. */
export function reviewerDocument(inputs: ReviewerInputs): Doc {
  return new Reviewer(inputs).doc();
}

/** The matrix the reviewer document shows (for callers that want the verdict too). */
export function reviewerMatrix(inputs: ReviewerInputs): Matrix {
  return new Reviewer(inputs).matrix;
}

/** The rules, measures and engine rules the reviewer document gives an anchor (`ruleAnchor`), for links from the decision trail. */
export function reviewerRuleNames(ir: PolicyIR): Set<string> {
  return new Set([...ir.versions.flatMap((v) => [...v.rules.map((r) => r.name), ...v.measures.map((m) => m.name)]), ...ENGINE_RULES.map((r) => r.name)]);
}
