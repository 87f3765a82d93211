/**
 * `qungui serve`'s settings: one table, from which the command's flags, the environment variables
 * and the config file's keys are all derived. A setting is read from, in order: its flag, its
 * environment variable (`QUNGUI_` + the key in upper snake case), the config file (`--config FILE`
 * or `QUNGUI_CONFIG`, YAML or JSON, keys as in the table), its default.
 *
 * Secrets are not settings: the admin token comes from the file `tokenFile` names or from
 * QUNGUI_ADMIN_TOKEN, never from argv (where `ps` would show it) nor from the config file.
 */
import { Option } from "commander";
import { readText, UsageError } from "./io.js";

type Kind = "int" | "string" | "path" | "duration" | "bool" | { oneOf: readonly string[] };

interface Setting {
  /** Name in the config file (camelCase); the flag is its kebab case, the variable QUNGUI_ + UPPER_SNAKE. */
  key: string;
  kind: Kind;
  help: string;
  /** As the user would write it; absent: unset. */
  default?: string;
  min?: number;
  max?: number;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Every setting of `qungui serve`. */
export const SERVE_SETTINGS = [
  { key: "policy", kind: "path", help: "policy file (.qg or IR .json); optional when the store has a policy in force" },
  { key: "port", kind: "int", help: "TCP port (0: any free one)", default: "8080", min: 0, max: 65535 },
  { key: "host", kind: "string", help: "address to listen on", default: "127.0.0.1" },
  { key: "store", kind: "string", help: "the store: a SQLite file, postgres://user@host/db?schema=qungui, or memory: (default: memory, not durable)" },
  { key: "durability", kind: { oneOf: ["full", "normal"] }, help: "SQLite: full (fsync every commit) or normal (survives a crash of qungui, not of the machine)", default: "full" },
  { key: "adoptPolicy", kind: "bool", help: "make the policy file the policy in force (journaled) when the store has another; by default the store's serves" },
  { key: "tokenFile", kind: "path", help: "file with the bearer token for POST /v1/policy (or set QUNGUI_ADMIN_TOKEN); without one, reload is disabled" },
  { key: "bodyLimit", kind: "int", help: "largest request body, bytes", default: "4194304", min: 1024, max: 1024 * 1024 * 1024 },
  { key: "maxBatch", kind: "int", help: "most events in one request", default: "10000", min: 1, max: 1_000_000 },
  { key: "logLevel", kind: { oneOf: LOG_LEVELS }, help: "JSON log level on stdout (pino); silent for none", default: "info" },
  { key: "tick", kind: "duration", help: "how often due timers are fired by the wall clock, as clock events (off: never)", default: "1s" },
  { key: "grace", kind: "duration", help: "on SIGTERM/SIGINT, how long requests in flight may take before the server stops", default: "10s" },
  { key: "requestTimeout", kind: "duration", help: "a request must arrive whole within this (else 408)", default: "30s" },
  { key: "headersTimeout", kind: "duration", help: "its headers within this (slow clients)", default: "10s" },
  { key: "keepAliveTimeout", kind: "duration", help: "idle keep-alive connections are closed after this", default: "5s" },
  { key: "tlsCert", kind: "path", help: "TLS certificate (PEM); with --tls-key, serve HTTPS" },
  { key: "tlsKey", kind: "path", help: "TLS private key (PEM)" },
] as const satisfies readonly Setting[];

type Key = (typeof SERVE_SETTINGS)[number]["key"];

/** The resolved settings. */
export interface ServeConfig {
  policy?: string;
  port: number;
  host: string;
  store?: string;
  durability: "full" | "normal";
  adoptPolicy: boolean;
  tokenFile?: string;
  bodyLimit: number;
  maxBatch: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Milliseconds; 0 is off. */
  tick: number;
  grace: number;
  requestTimeout: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  tlsCert?: string;
  tlsKey?: string;
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (k: string) => `QUNGUI_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** commander's options for the table (the policy is the positional argument, not a flag). */
export function serveOptions(): Option[] {
  const out: Option[] = [new Option("--config <file>", "read settings from this YAML or JSON file (or QUNGUI_CONFIG)")];
  for (const s of SERVE_SETTINGS as readonly Setting[]) {
    if (s.key === "policy") continue;
    const env = envName(s.key);
    const dflt = s.default === undefined ? "" : `; default ${s.default}`;
    out.push(new Option(s.kind === "bool" ? `--${kebab(s.key)}` : `--${kebab(s.key)} <value>`, `${s.help} (${env}${dflt})`));
  }
  return out;
}

/** A duration: `250ms`, `10s`, `2m`, a number of milliseconds, or `off` (0). */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === "off" || t === "0") return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(t);
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? "ms";
  return Math.round(n * (unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000));
}

function convert(s: Setting, raw: unknown, where: string): unknown {
  const text = typeof raw === "string" ? raw : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : undefined;
  if (text === undefined) throw new UsageError(`${where} must be a ${s.kind === "bool" ? "boolean" : "string or number"}`);
  const bad = (what: string) => new UsageError(`${where} must be ${what}, not ${JSON.stringify(text)}`);
  if (typeof s.kind === "object") {
    if (!s.kind.oneOf.includes(text)) throw bad(`one of ${s.kind.oneOf.join(", ")}`);
    return text;
  }
  switch (s.kind) {
    case "int": {
      const n = Number(text);
      if (!Number.isInteger(n) || n < (s.min ?? -Infinity) || n > (s.max ?? Infinity)) throw bad(`an integer from ${s.min} to ${s.max}`);
      return n;
    }
    case "duration": {
      const ms = parseDuration(text);
      if (ms === undefined) throw bad("a duration (250ms, 10s, 2m) or off");
      return ms;
    }
    case "bool":
      if (["true", "1", "yes", "on"].includes(text.toLowerCase())) return true;
      if (["false", "0", "no", "off", ""].includes(text.toLowerCase())) return false;
      throw bad("true or false");
    case "string":
    case "path":
      if (text === "") throw bad("a non-empty value");
      return text;
  }
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  const text = readText(path, 1 << 20);
  let doc: unknown;
  try {
    // YAML is a superset of JSON; loaded only when there is a file to read.
    doc = (await import("yaml")).parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new UsageError(`${path} must be a mapping of settings`);
  const known = new Set<string>(SERVE_SETTINGS.map((s) => s.key));
  for (const k of Object.keys(doc)) {
    if (!known.has(k)) throw new UsageError(`${path}: unknown setting ${JSON.stringify(k)} (known: ${[...known].join(", ")})`);
  }
  return doc as Record<string, unknown>;
}

/**
 * The settings from the flags commander parsed (camelCase keys), the environment and the config
 * file. A value that does not parse is a {@link UsageError} naming where it came from.
 */
export async function resolveServeConfig(policyArg: string | undefined, flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<ServeConfig> {
  const configPath = (flags["config"] as string | undefined) ?? env["QUNGUI_CONFIG"];
  const file = configPath === undefined || configPath === "" ? {} : await readConfigFile(configPath);
  const out: Record<string, unknown> = {};
  for (const s of SERVE_SETTINGS as readonly Setting[]) {
    const env1 = envName(s.key);
    const fromFlag = s.key === "policy" ? policyArg : flags[s.key];
    let value: unknown;
    if (fromFlag !== undefined) value = convert(s, fromFlag, s.key === "policy" ? "the policy" : `--${kebab(s.key)}`);
    else if (env[env1] !== undefined && env[env1] !== "") value = convert(s, env[env1], env1);
    else if (file[s.key] !== undefined) value = convert(s, file[s.key], `${s.key} in ${configPath}`);
    else if (s.default !== undefined) value = convert(s, s.default, `the default of ${s.key}`);
    else if (s.kind === "bool") value = false;
    if (value !== undefined) out[s.key] = value;
  }
  const c = out as unknown as ServeConfig;
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) throw new UsageError("TLS needs both --tls-cert and --tls-key");
  return c;
}

export type { Key as ServeSettingKey };
