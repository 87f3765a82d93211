/**
 * `qungui docs POLICY`: documents for compliance reviewers (src/docgen). Writes into a directory:
 *
 * - `reviewer.html` (or `.md`): the regulation article by article with the policy's rules beside
 *   it, the coverage matrix (tests from the `.test.yaml` beside the policy, verify with `--verify`);
 * - `filing.html` with `--filing`: the tiered scheme of Article 7 as one printable page;
 * - `decisions.html` with `--decisions FILE`: a decisions JSONL as a filterable table (Article 13).
 *
 * A `.qg` policy is compiled leniently, as for `verify`, so a non-compliant policy can still be
 * documented: its requirement errors appear in the document, in red.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { compilePolicyText } from "../compile.js";
import { reviewerRuleNames, collectTestEvidence, decisionsDocument, filingDocument, filingDocumentZh, parseDecisions, parseProvider, type Provider, trailPolicies, render, reviewerDocument, reviewerMatrix, type DocFormat, type TestEvidence } from "../docgen/index.js";
import type { PolicyIR, SpanIR } from "../ir/types.js";
import type { SemanticDiff } from "../diff/semantic.js";
import { runnableProgram, type Program } from "../engine/index.js";
import { loadIRText } from "../ir/load.js";
import { policyId } from "../ir/identity.js";
import type { Diagnostic } from "../source/diagnostic.js";
import { renderDiagnostics } from "../source/render.js";
import type { Source } from "../source/span.js";
import { verify, type VerifyReport } from "../verify/run.js";
import { engineOf } from "../verify/session.js";
import { checkerFindings } from "../verify/checker.js";
import { QUNGUI_VERSION } from "../version.js";
import { withProofs } from "../prove/merge.js";
import { EXIT, readText, UsageError, writeText, type Io } from "./io.js";
import { fileHost } from "./test.js";

/** The options of `qungui docs` as commander parses them. */
export interface DocsFlags {
  output?: string;
  format: string;
  verify?: boolean;
  seed: string;
  runs: string;
  filing?: boolean;
  decisions?: string;
  /** A test file, or false for `--no-tests`. */
  tests?: string | boolean;
  strict?: boolean;
  /** Language of the filing document: `zh` (default) or `en`. */
  lang?: string;
  /** The provider file of the filing (./../docgen/provider.ts). */
  provider?: string;
  /** The documents' date, YYYY-MM-DD (none by default: the output stays reproducible). */
  date?: string;
}

const GENERATOR = "qungui docs";

function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() === Number(m[2]) - 1 && t.getUTCDate() === Number(m[3]);
}

function wholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number, got ${text}`);
  return n;
}

interface Loaded {
  ir: PolicyIR | null;
  program: Program | null;
  diagnostics: Diagnostic[];
  source?: Source;
  text: { file: string; text: string } | null;
}

/** The policy as `load` read it, compiled for the engine the one way (QG079 when it cannot run). */
function load(path: string): Loaded {
  const r = loadText(path);
  const runnable = runnableProgram(r.ir, r.diagnostics, path, { lenient: true });
  return { ...r, ir: runnable.program === null ? null : r.ir, program: runnable.program, diagnostics: runnable.diagnostics };
}

function loadText(path: string): Omit<Loaded, "program"> {
  const text = readText(path);
  if (path.endsWith(".json")) {
    const r = loadIRText(text);
    // IR compiled elsewhere: embed its source only when the file beside it is exactly what was compiled.
    let src: Loaded["text"] = null;
    const file = r.ir?.source?.file;
    if (file && existsSync(file)) {
      const t = readText(file);
      if (createHash("sha256").update(t).digest("hex") === r.ir!.source!.sha256) src = { file, text: t };
    }
    return { ir: r.ir, diagnostics: r.diagnostics, text: src };
  }
  const r = compilePolicyText(text, path, { lenient: true });
  return { ir: r.ir, diagnostics: r.diagnostics, source: r.source, text: { file: path, text } };
}

/** The test file beside a policy: `x.qg` → `x.test.yaml` (or `.test.yml`). */
export function testFileFor(policy: string): string | undefined {
  const stem = policy.replace(/\.(qg|json)$/, "");
  for (const ext of [".test.yaml", ".test.yml"]) if (existsSync(stem + ext)) return stem + ext;
  return undefined;
}

function posix(p: string): string {
  return p.split("\\").join("/");
}

/** Runs `qungui docs`; returns the exit code (1 when the policy yields no IR, or with `--strict` when the matrix has gaps). */
/** What each amendment decides differently; a comparison that fails is said, and the history shows the IR's changes alone. */
async function diffsOfAmendments(ir: PolicyIR, io: Io): Promise<Map<string, SemanticDiff> | undefined> {
  try {
    return await (await import("../diff/amendments.js")).amendmentDiffs(ir);
  } catch (e) {
    io.err(`the change history lists what each amendment changes, but not what it decides differently: the comparison failed (${(e as Error).message})\n`);
    return undefined;
  }
}

export async function runDocs(policy: string, flags: DocsFlags, io: Io): Promise<number> {
  const format = flags.format as DocFormat;
  if (format !== "html" && format !== "md") throw new UsageError(`--format takes html or md, got ${flags.format}`);
  const lang = flags.lang ?? "zh";
  if (lang !== "zh" && lang !== "en") throw new UsageError(`--lang takes zh or en, got ${flags.lang}`);
  if (flags.provider !== undefined && !flags.filing) throw new UsageError("--provider describes the provider of the filing document: give it with --filing");
  if (flags.date !== undefined && !isDay(flags.date)) throw new UsageError(`--date takes a day written YYYY-MM-DD, got ${flags.date}`);
  const meta = { version: QUNGUI_VERSION, ...(flags.date !== undefined ? { date: flags.date } : {}) };
  const seed = wholeNumber(flags.seed, "--seed");
  const runs = wholeNumber(flags.runs, "--runs");
  const loaded = load(policy);
  if (!loaded.ir || !loaded.program) {
    io.err(renderDiagnostics(loaded.diagnostics, loaded.source, { color: io.color }) + "\n");
    return EXIT.diagnostics;
  }
  const { ir, program } = loaded;
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (errors.length && flags.filing) {
    // A filing states the scheme the platform runs; a policy that does not compile is not one
    // (a QG040 tier gap would file a member cap over tiers that stop short of it). Refuse before
    // writing anything, with every diagnostic.
    io.err(renderDiagnostics(loaded.diagnostics, loaded.source, { color: io.color }) + "\n");
    io.err(`${policy}: ${errors.length} error${errors.length === 1 ? "" : "s"}: no filing document is written for a policy that does not compile; fix the errors, or run without --filing to document the policy with its errors as gaps\n`);
    return EXIT.diagnostics;
  }
  if (errors.length) io.err(`${policy}: ${errors.length} error(s); documenting the policy as compiled leniently (the errors are gaps of the requirements they concern)\n`);

  // The provider file: every problem, and nothing written, when it is not right.
  let provider: Provider = {};
  if (flags.provider !== undefined) {
    const r = parseProvider(readText(flags.provider));
    if (r.problems.length) {
      for (const m of r.problems) io.err(`${flags.provider}: ${m}\n`);
      io.err(`${flags.provider}: ${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}; no document is written (leave a field out to keep it blank on the filing)\n`);
      return EXIT.diagnostics;
    }
    provider = r.provider;
  }

  // The decision trail must be of this policy: refuse it, before writing anything, when its
  // decisions name another (or another text of this one).
  const trail = flags.decisions === undefined ? null : readText(flags.decisions);
  const id = policyId(ir);
  if (trail !== null) {
    const { named, unnamed } = trailPolicies(parseDecisions(trail));
    const others = named.filter((p) => p.name !== ir.name || p.id !== id);
    if (others.length) {
      const which = others.map((p) => `${p.decisions} decision${p.decisions === 1 ? "" : "s"} of ${p.name === ir.name ? `another text of policy "${p.name}"` : `policy "${p.name}"`} (id ${p.id})`).join(", ");
      io.err(`${flags.decisions}: the trail is not of ${policy}: ${which}; ${policy} is policy "${ir.name}" (id ${id}). No document is written: give the decisions this policy made, or document the policy that made them\n`);
      return EXIT.diagnostics;
    }
    if (unnamed) io.err(`${flags.decisions}: ${unnamed} decision${unnamed === 1 ? " names" : "s name"} no policy (no policyName and policyId): ${unnamed === 1 ? "it is" : "they are"} shown, marked as unchecked\n`);
  }

  // Tests: the file beside the policy unless told otherwise.
  let tests: TestEvidence | null = null;
  const testFile = typeof flags.tests === "string" ? flags.tests : flags.tests === false ? undefined : testFileFor(policy);
  if (typeof flags.tests === "string" && !existsSync(flags.tests)) throw new UsageError(`cannot read ${flags.tests}: ENOENT`);
  if (testFile) {
    const isIr = policy.endsWith(".json");
    tests = collectTestEvidence(testFile, fileHost, isIr ? undefined : policy, (a, b) => resolve(a) === resolve(b));
    io.err(tests.problems.length ? `${testFile}: the tests did not run: ${tests.problems[0]}\n` : `${testFile}: ${tests.passed} passed, ${tests.failed} failed\n`);
  }

  let report: VerifyReport | null = null;
  if (flags.verify) {
    io.err(`verifying ${policy} (seed ${seed}, ${runs} runs)…\n`);
    report = verify(ir, engineOf(program), { seed, runs, now: () => performance.now(), checker: checkerFindings(loaded.diagnostics) });
    // The matrix shows which requirements are proved for all states and which are tested (src/prove).
    report = withProofs(ir, report, await (await import("../prove/prove.js")).prove(ir, { now: () => performance.now() }));
  }

  const outDir = flags.output ?? `${basename(policy).replace(/\.(qg|json)$/, "")}-docs`;
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const ext = format;
  const written: string[] = [];
  const links: { filing?: string; decisions?: string } = {};
  if (flags.filing) links.filing = `filing.${ext}`;
  if (flags.decisions) links.decisions = `decisions.${ext}`;

  // HTML embeds the policy source and links into it; Markdown links to the file itself.
  const sourceHref =
    format === "html"
      ? loaded.text
        ? (s: SpanIR) => `#L${s.line}`
        : () => null
      : (s: SpanIR) => (existsSync(s.file) ? `${posix(relative(resolve(outDir), resolve(s.file)))}#L${s.line}` : null);
  // The change history says what each amendment decides differently (src/diff, with the solver,
  // loaded only for a policy that has amendments).
  const amendmentDiffs = ir.versions.length > 1 ? await diffsOfAmendments(ir, io) : undefined;
  const inputs = { ir, source: format === "html" ? loaded.text : null, tests, verify: report, diagnostics: loaded.diagnostics, sourceHref, links, meta, ...(amendmentDiffs ? { amendmentDiffs } : {}) };
  const reviewerPath = join(outDir, `reviewer.${ext}`);
  writeText(reviewerPath, render(reviewerDocument(inputs), format, GENERATOR));
  written.push(reviewerPath);

  if (flags.filing) {
    const p = join(outDir, `filing.${ext}`);
    const doc = lang === "zh" ? filingDocumentZh({ ir, provider, generator: GENERATOR, meta, ...(amendmentDiffs ? { amendmentDiffs } : {}) }) : filingDocument({ ir, provider });
    writeText(p, render(doc, format, GENERATOR));
    written.push(p);
  }
  if (flags.decisions && trail !== null) {
    const p = join(outDir, `decisions.${ext}`);
    writeText(p, render(decisionsDocument({ text: trail, file: basename(flags.decisions), policy: { name: ir.name, id }, ...(format === "html" ? { reviewer: { href: `reviewer.${ext}`, rules: reviewerRuleNames(ir) } } : {}) }), format, GENERATOR));
    written.push(p);
  }

  const matrix = reviewerMatrix(inputs);
  for (const w of written) io.out(`wrote ${posix(w)}\n`);
  io.out(`${matrix.summary.headline}\n`);
  if (matrix.summary.gapReqs.length) io.out(`gaps: ${matrix.summary.gapReqs.join(", ")}\n`);
  return flags.strict && !matrix.summary.complete ? EXIT.diagnostics : EXIT.ok;
}
