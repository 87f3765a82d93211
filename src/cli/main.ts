/**
 * The `qungui` command line: one file per command, wired here with commander. `main` returns the
 * exit code instead of exiting so tests can run commands in-process. Each command's module is
 * imported when the command runs: loading them all (the HTTP server, the stores, fast-check…) is
 * a start-up cost most commands have no use for (docs/performance.md).
 */
import { QUNGUI_VERSION } from "../version.js";
import { Command, CommanderError, Option } from "commander";
import { StoreError } from "../store/types.js";
import { EXIT, OutputError, processIo, UsageError, type Io } from "./io.js";
import { serveOptions } from "./serve-config.js";

const STORE_HELP = "the store: a SQLite file, or postgres://user@host:port/db?schema=qungui (default: QUNGUI_STORE)";

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the input has errors (diagnostics, failed tests, failed requirements)
  2  usage or I/O error (bad flag, missing or oversized file, output not written: a full disk)
  141  the reader of standard output went away (a closed pipe: \`qungui run … | head -1\`); nothing printed`;

function build(io: Io, setStatus: (code: number) => void): Command {
  const program = new Command("qungui")
    .description("Policy language, compiler and rules engine for 互联网群组信息服务管理规定 (CAC 2017)")
    .version(QUNGUI_VERSION)
    .addHelpText("after", EXIT_CODES_HELP)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();

  program
    .command("check")
    .description("parse and check policies (.qg) or IR (.json); print every diagnostic")
    .argument("<files...>", "policy files")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (files: string[], opts: { format: string }) => setStatus((await import("./check.js")).runCheck(files, opts, io)));

  program
    .command("fmt")
    .description("format policies canonically (prints to stdout unless --check or --write)")
    .argument("<files...>", "policy files")
    .option("--check", "list files that are not formatted; exit 1 if any")
    .option("--write", "rewrite files in place")
    .action(async (files: string[], opts: { check?: boolean; write?: boolean }) => setStatus((await import("./fmt.js")).runFmt(files, opts, io)));

  program
    .command("compile")
    .description("compile a policy to its IR (JSON), or export its rules to json-rules-engine")
    .argument("<file>", "policy file")
    .option("-o, --output <file>", "write the IR to a file instead of stdout")
    .addOption(new Option("--target <target>", "what to produce: the IR, or json-rules-engine 7 rules").choices(["ir", "json-rules-engine"]).default("ir"))
    .action(async (file: string, opts: { output?: string; target?: string }) => setStatus((await import("./compile.js")).runCompile(file, opts, io)));

  program
    .command("run")
    .description("decide a stream of events (JSON Lines) with a policy; decisions to stdout as JSON Lines")
    .argument("<policy>", "policy file (.qg or IR .json)")
    .argument("[events]", "events file (JSON Lines); standard input when absent or -")
    .option("--dead-letter <file>", "write rejected lines here as JSON Lines {line, reason, raw} (default: stderr)")
    .option("--state <file>", "load engine state from this file if it exists, and save it after the run")
    .option("--fail-on-dead-letters", "exit 1 when any line was rejected")
    .option("--max-line-bytes <n>", "the longest line read as an event, in bytes without its newline; a longer line is a dead letter (default 1048576)")
    .option("--now <instant>", "the wall clock's reading (RFC 3339) for this run: events later than it by more than the tolerance are dead letters (default: the system clock)")
    .option("--store <store>", "commit state, decisions and dead letters to this store (a SQLite file, or postgres://…; or QUNGUI_STORE); a rerun continues where the last one stopped")
    .option("--durability <mode>", "with a SQLite store: full (fsync every commit, default) or normal (survives a crash of qungui, not of the machine)")
    .option("--adopt-policy", "with --store: make this policy the store's policy in force (journaled) when it has another; by default the store's decides")
    .action(async (policy: string, events: string | undefined, opts: import("./run.js").RunFlags) => setStatus(await (await import("./run.js")).runRun(policy, events, opts, io)));

  program
    .command("explain")
    .description("show every rule considered for one event, condition by condition, and why the outcome won: replaying a stream up to it, or as a store recorded it (--store)")
    .argument("[policy]", "policy file (.qg or IR .json); not with --store")
    .argument("[events]", "events file (JSON Lines); not with --store")
    .requiredOption("--event <id>", "the id of the event to explain")
    .option("--store <store>", "explain the event as it was decided in this store (a SQLite file or postgres://…; or QUNGUI_STORE when no events file is given)")
    .option("--now <instant>", "the wall clock's reading (RFC 3339), as for run (default: the system clock)")
    .option("--max-line-bytes <n>", "the longest line read as an event, as for run (default 1048576)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (policy: string | undefined, events: string | undefined, opts: import("./explain.js").ExplainFlags & { store?: string }) => {
      const store = opts.store ?? (events === undefined ? process.env["QUNGUI_STORE"] : undefined);
      if (store !== undefined && store !== "") {
        if (policy !== undefined || events !== undefined) throw new UsageError("with --store, the policy and the events come from the store: give no files");
        setStatus(await (await import("./explain-store.js")).runExplainStored(store, opts, io));
        return;
      }
      if (policy === undefined || events === undefined) throw new UsageError("explain needs a policy and an events file, or --store");
      setStatus((await import("./explain.js")).runExplain(policy, events, opts, io));
    });

  program
    .command("verify")
    .description("check the policy against every requirement of the regulation, with shrunk counterexamples")
    .argument("<policy>", "policy file (.qg or IR .json)")
    .addOption(new Option("--format <format>", "report format").choices(["text", "json", "sarif"]).default("text"))
    .option("--seed <n>", "seed of the stream generator (reproduce a run)", "42")
    .option("--runs <n>", "generated streams per stream requirement", "1000")
    .option("--only <reqs...>", "only these requirement ids")
    .option("-o, --output <file>", "write the report to a file")
    .option("--no-progress", "no progress bar on a terminal")
    .option("--no-prove", "skip the SMT proofs of the per-event requirements (random streams only)")
    .action(async (file: string, opts: import("./verify.js").VerifyFlags) => setStatus(await (await import("./verify.js")).runVerify(file, opts, io, Boolean(process.stderr.isTTY))));

  program
    .command("diff")
    .description("what a policy change changes: per event type, the situations decided differently (proved over every state), the changed rules, and with --events the impact on a recorded stream")
    .argument("<old>", "the old policy (.qg or IR .json)")
    .argument("[new]", "the new policy (omit with --from/--to to compare two versions of <old>)")
    .option("--from <version>", "the old side's version (default: the last)")
    .option("--to <version>", "the new side's version (default: the last)")
    .option("--events <file>", "replay this JSON Lines stream under both and report the decisions that differ")
    .addOption(new Option("--format <format>", "report format").choices(["text", "json"]).default("text"))
    .option("-o, --output <file>", "write the report to a file")
    .action(async (oldFile: string, newFile: string | undefined, opts: import("./diff.js").DiffFlags) => setStatus(await (await import("./diff.js")).runDiff(oldFile, newFile, opts, io)));

  program
    .command("reqs")
    .description("list every requirement id of the regulation with its article, kind and a one-line summary (what `serves` cites)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: { format: string }) => setStatus((await import("./reqs.js")).runReqs(opts, io)));

  program
    .command("test")
    .description("run policy tests (*.test.yaml); per-test results, diffs of failures, rule and requirement coverage")
    .argument("[paths...]", "test files or directories searched for *.test.yaml (default: .)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--coverage-min <percent>", "fail when rule or requirement coverage of a policy is below this")
    .action(async (paths: string[], opts: { format: string; coverageMin?: string }) => setStatus((await import("./test.js")).runTest(paths, opts, io)));

  const records = program.command("records").description("the decision log of a store: inspection export and retention purge (Article 13)");
  records
    .command("export")
    .description("export the inspection set as JSON Lines, complete and in order (A13.inspection)")
    .option("--store <store>", STORE_HELP)
    .option("--from <time>", "from this time, inclusive (RFC 3339, or a local date/time in the policy's zone); a timer decision's time is its due")
    .option("--to <time>", "to this time, exclusive")
    .option("--group <id>", "only decisions concerning this group")
    .option("--user <id>", "only decisions concerning this user")
    .option("--dead-letters", "export the dead letters instead of decisions")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action(async (opts: import("./records.js").ExportFlags) => setStatus(await (await import("./records.js")).runRecordsExport(opts, io)));
  records
    .command("purge")
    .description("delete records older than a time; refused when any is younger than six calendar months (A13.retention)")
    .option("--store <store>", STORE_HELP)
    .requiredOption("--before <time>", "delete records before this time (RFC 3339, or a local date in the policy's zone)")
    .action(async (opts: import("./records.js").PurgeFlags) => setStatus(await (await import("./records.js")).runRecordsPurge(opts, io, Date.now())));
  records
    .command("stats")
    .description("what a store holds: journal, decisions, dead letters, snapshots, clock, policy")
    .option("--store <store>", STORE_HELP)
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: { store?: string; format: string }) => setStatus(await (await import("./records.js")).runRecordsStats(opts, io)));

  const NATS_HELP = "NATS servers of the cluster (nats://host:4222; several, or comma-separated; default QUNGUI_NATS)";
  const CLUSTER_STORE_HELP = "the cluster's PostgreSQL: postgres://user@host:port/db?schema=qungui (default QUNGUI_STORE)";
  const cluster = program.command("cluster").description("the partitioned cluster on NATS JetStream and PostgreSQL (docs/cluster.md)");
  cluster
    .command("init")
    .description("create the stream (replicated), a durable consumer per partition, the tables and the first policy; idempotent")
    .argument("<policy>", "policy file (.qg or IR .json)")
    .option("--nats <urls...>", NATS_HELP)
    .option("--store <store>", CLUSTER_STORE_HELP)
    .option("--partitions <n>", "partition count, fixed for the cluster's life (default 16)")
    .option("--replicas <n>", "stream replicas (default 3)")
    .option("--duplicate-window <seconds>", "how long JetStream drops a re-published event id (default 120)")
    .action(async (policy: string, opts: import("./cluster.js").ClusterFlags & { partitions?: string; replicas?: string; duplicateWindow?: string }) =>
      setStatus(await (await import("./cluster.js")).runClusterInit(policy, opts, io)),
    );
  cluster
    .command("status")
    .description("partitions, their owners, positions and lag; workers alive; decisions and dead letters")
    .option("--nats <urls...>", NATS_HELP)
    .option("--store <store>", CLUSTER_STORE_HELP)
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: import("./cluster.js").ClusterFlags & { format?: string }) => setStatus(await (await import("./cluster.js")).runClusterStatus(opts, io)));
  cluster
    .command("policy")
    .description("make a policy the cluster's: recorded in PostgreSQL, then every partition switches at the same point of its log")
    .argument("<policy>", "policy file (.qg or IR .json)")
    .option("--nats <urls...>", NATS_HELP)
    .option("--store <store>", CLUSTER_STORE_HELP)
    .action(async (policy: string, opts: import("./cluster.js").ClusterFlags) => setStatus(await (await import("./cluster.js")).runClusterPolicy(policy, opts, io)));

  program
    .command("worker")
    .description("decide a fair share of the cluster's partitions, exactly once, until SIGTERM/SIGINT")
    .option("--nats <urls...>", NATS_HELP)
    .option("--store <store>", CLUSTER_STORE_HELP)
    .option("--name <name>", "how cluster status shows this worker (default host-pid)")
    .option("--batch <n>", "most messages decided in one transaction (default 500)")
    .option("--rebalance <ms>", "how often to look for partitions to take or give up (default 500)")
    .option("--hang-timeout <ms>", "PostgreSQL ends this worker's sessions after this long without a statement, so a hung worker's partitions are taken over (default 10000)")
    .action(async (opts: import("./worker.js").WorkerFlags) => setStatus(await (await import("./worker.js")).runWorker(opts, io)));

  program
    .command("ingest")
    .description("publish events (JSON Lines) to the cluster's partitions; a re-publish of an event id is dropped")
    .argument("[events]", "events file (JSON Lines); standard input when absent or -")
    .option("--nats <urls...>", NATS_HELP)
    .option("--dead-letter <file>", "write lines that cannot be published here (default: stderr)")
    .option("--give-up <seconds>", "stop when a publish has failed for this long (NATS unreachable, no quorum); a re-run continues (default 120)")
    .action(async (events: string | undefined, opts: import("./ingest.js").IngestFlags) => setStatus(await (await import("./ingest.js")).runIngest(events, opts, io)));

  const serve = program
    .command("serve")
    .description("serve the HTTP decision API (POST /v1/decide, explain, health, metrics, OpenAPI) on a durable store; settings by flag, QUNGUI_* environment variable or --config file")
    .argument("[policy]", "policy file (.qg or IR .json); optional when the store has a policy in force (or QUNGUI_POLICY)");
  for (const o of serveOptions()) serve.addOption(o);
  serve.action(async (policy: string | undefined, opts: Record<string, unknown>) => setStatus(await (await import("./serve.js")).runServe(policy, opts, io)));

  program
    .command("lsp")
    .description("run the language server (diagnostics, hover, completion, formatting, code actions, tests) over stdio")
    .option("--stdio", "talk over standard input and output (the default)")
    .option("--clientProcessId <pid>", "the editor's process id (editors pass it; the server exits when the client does)")
    .action(async () => setStatus(await (await import("./lsp.js")).runLsp()));

  program
    .command("playground")
    .description("serve the policy playground in the browser, or write it as a static site with --build")
    .argument("[policy]", "policy file to open (default: the bundled reference policy)")
    .option("--port <n>", "TCP port (0 picks a free one)", "8765")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--events <file>", "events to open (JSON Lines; default: the bundled sample stream)")
    .option("--build <dir>", "write the playground as a static site to this directory instead of serving it")
    .action(async (policy: string | undefined, opts: import("./playground.js").PlaygroundFlags) => setStatus(await (await import("./playground.js")).runPlayground(policy, opts, io)));

  program
    .command("bench")
    .description("benchmark the evaluator against json-rules-engine and a hand-written evaluator (needs a source checkout with dev dependencies)")
    .option("--quick", "a small smoke run instead of the full workload (1M users, 1M events)")
    .option("--no-memory", "skip the memory measurement")
    .option("--no-run", "skip timing `qungui run` end to end")
    .option("-o, --output <file>", "where to write the results (default bench/results.json)")
    .action(async (opts: import("./bench.js").BenchFlags) => setStatus(await (await import("./bench.js")).runBench(opts, io)));

  program
    .command("docs")
    .description("documents for reviewers: the regulation article by article with the policy's rules, the coverage matrix, the filing document, the decision trail")
    .argument("<policy>", "policy file (.qg or IR .json)")
    .option("-o, --output <dir>", "directory to write the documents to (default: <policy name>-docs)")
    .addOption(new Option("--format <format>", "document format").choices(["html", "md"]).default("html"))
    .option("--verify", "run verify and show its result per requirement in the matrix")
    .option("--seed <n>", "with --verify: seed of the stream generator", "42")
    .option("--runs <n>", "with --verify: generated streams", "1000")
    .option("--tests <file>", "policy tests to run for the matrix (default: the .test.yaml beside the policy)")
    .option("--no-tests", "do not run policy tests")
    .option("--filing", "also write the filing document of Article 7 (filing.html / filing.md)")
    .addOption(new Option("--lang <lang>", "language of the filing document").choices(["zh", "en"]).default("zh"))
    .option("--provider <file>", "with --filing: the provider's details (YAML: organisation, creditCode, service, icp, securityOfficer, phone, email, date); blank where absent")
    .option("--decisions <file>", "also render this decisions JSONL (from `qungui run`) as a filterable decision trail")
    .option("--date <day>", "date the documents (YYYY-MM-DD); without it they carry no date and are reproducible")
    .option("--strict", "exit 1 unless every requirement is implemented, tested and verified")
    .action(async (policy: string, opts: import("./docs.js").DocsFlags) => setStatus(await (await import("./docs.js")).runDocs(policy, opts, io)));

  return program;
}

/**
 * The exit of a command whose output could not be written ({@link OutputError}): quiet when the
 * reader closed the pipe, one line on stderr otherwise (if stderr itself can take it).
 */
function outputFailed(e: OutputError, io: Io): number {
  if (e.code === "EPIPE") return EXIT.closedPipe;
  try {
    io.err(`qungui: ${e.message}\n`);
  } catch {
    // stderr is gone too: the exit code is all that is left.
  }
  return EXIT.usage;
}

/** Runs the CLI with `argv` (as in `process.argv`) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let status: number = EXIT.ok;
  const program = build(io, (code) => {
    status = code;
  });
  try {
    await program.parseAsync(argv);
    return status;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof OutputError) return outputFailed(e, io);
    if (e instanceof UsageError || e instanceof StoreError) {
      try {
        io.err(`qungui: ${e.message}\n`);
      } catch {
        // stderr is gone: the exit code says it.
      }
      return EXIT.usage;
    }
    throw e;
  }
}
