/**
 * `qungui playground [POLICY] [--port N]` serves the playground on 127.0.0.1; `--build DIR` writes
 * it as a static site instead. The page is the bundle `npm run build` leaves in dist/playground
 * (scripts/playground.ts); this command adds `initial.js`, the policy and events it opens with.
 * The page decides everything itself and makes no request after loading, so the server is a file
 * server of five files and nothing more.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { STARTERS } from "../playground/starters.js";
import { EXIT, readText, UsageError, type Io } from "./io.js";

export interface PlaygroundFlags {
  port: string;
  host: string;
  events?: string;
  build?: string;
}

const ASSETS = ["index.html", "style.css", "app.js", "worker.js"] as const;
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8", map: "application/json" };
/** The same policy as the page's meta tag, also sent as a header: no request leaves the page. */
const CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'none'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/** dist/playground, from dist/cli (the installed command) or from src/cli (tests running the sources). */
function assetDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, "..", "playground"), join(here, "..", "..", "dist", "playground")]) {
    if (existsSync(join(dir, "app.js"))) return dir;
  }
  throw new UsageError("the playground bundle is missing: run `npm run build` (it writes dist/playground)");
}

/** The project root: bundled policy and samples live there (…/dist/cli or …/src/cli → …). */
function projectFile(path: string): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", path);
}

function initialScript(policyPath: string | undefined, eventsPath: string | undefined): string {
  const policyFile = policyPath ?? projectFile("policies/cac-2017.qg");
  const eventsFile = eventsPath ?? projectFile("samples/events.jsonl");
  const initial = {
    policy: readText(policyFile),
    policyName: basename(policyFile),
    events: existsSync(eventsFile) || eventsPath ? readText(eventsFile) : "",
    starters: STARTERS,
  };
  // `<` escaped so that no text of the policy can close the script.
  return `window.QUNGUI_INITIAL = ${JSON.stringify(initial).replace(/</g, "\\u003c")};\n`;
}

export async function runPlayground(policy: string | undefined, flags: PlaygroundFlags, io: Io): Promise<number> {
  const assets = assetDir();
  const initial = initialScript(policy, flags.events);
  if (flags.build !== undefined) {
    mkdirSync(flags.build, { recursive: true });
    for (const f of [...ASSETS, "app.js.map", "worker.js.map"]) if (existsSync(join(assets, f))) writeFileSync(join(flags.build, f), readFileSync(join(assets, f)));
    writeFileSync(join(flags.build, "initial.js"), initial);
    io.err(`qungui playground: static site written to ${flags.build} (serve it with any static web server)\n`);
    return EXIT.ok;
  }
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, got ${flags.port}`);
  const files = new Map<string, Buffer>([["/initial.js", Buffer.from(initial)]]);
  for (const f of [...ASSETS, "app.js.map", "worker.js.map"]) if (existsSync(join(assets, f))) files.set(`/${f}`, readFileSync(join(assets, f)));
  files.set("/", files.get("/index.html")!);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const body = req.method === "GET" || req.method === "HEAD" ? files.get(path) : undefined;
    if (!body) {
      res.writeHead(req.method === "GET" || req.method === "HEAD" ? 404 : 405, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    const ext = path === "/" ? "html" : path.slice(path.lastIndexOf(".") + 1);
    res.writeHead(200, { "content-type": TYPES[ext] ?? "application/octet-stream", "content-security-policy": CSP, "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, flags.host, () => ok());
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  io.out(`qungui playground: http://${flags.host}:${actual}/\n`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return EXIT.ok;
}
