/**
 * A throw-away 3-node NATS JetStream cluster for the cluster tests: `nats-server` (Debian's
 * package, ≥ 2.9) started three times on free loopback ports with a store directory each under one
 * temporary directory, routes between them, and stopped (directory removed) at the end. One node
 * can be killed with SIGKILL and started again on the same ports and store, as a crashed machine
 * that comes back. When `nats-server` is missing, {@link natsUnavailable} says why and the tests
 * skip.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function natsServerBinary(): string | null {
  try {
    const p = execFileSync("sh", ["-c", "command -v nats-server"], { encoding: "utf8" }).trim();
    return p === "" ? null : p;
  } catch {
    return null;
  }
}

/** Why the NATS tests cannot run here, or null when they can. */
export function natsUnavailable(): string | null {
  return natsServerBinary() === null ? "no nats-server binary (apt-get install nats-server)" : null;
}

/** A free TCP port on loopback (bound and released; the race with another process is negligible here). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = tcpConnect({ port, host: "127.0.0.1" });
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface NatsNode {
  name: string;
  clientPort: number;
  url: string;
  process: ChildProcess | null;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** Client URLs of every node. */
  urls: string[];
  /** SIGKILL of one node (its store stays). */
  kill(i: number): void;
  /** Starts a killed node again, same ports and store; resolves when it accepts clients. */
  restart(i: number): Promise<void>;
  /** Kills every node and removes the directory. */
  stop(): void;
}

/** Starts `size` (default 3) nodes and waits until each accepts clients and the JetStream meta leader is elected. */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const bin = natsServerBinary();
  if (bin === null) throw new Error("nats-server is not installed");
  const dir = mkdtempSync(join(tmpdir(), "qungui-nats-"));
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < size; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  const nodes: NatsNode[] = [];
  let stopped = false;
  for (let i = 0; i < size; i++) {
    const name = `n${i + 1}`;
    const conf = [
      `server_name: ${name}`,
      `listen: 127.0.0.1:${clientPorts[i]}`,
      `jetstream { store_dir: "${join(dir, name)}", max_memory_store: 64MB, max_file_store: 2GB }`,
      `cluster {`,
      `  name: qungui-test`,
      `  listen: 127.0.0.1:${routePorts[i]}`,
      `  routes: [${routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(", ")}]`,
      `}`,
    ].join("\n");
    writeFileSync(join(dir, `${name}.conf`), conf + "\n");
    nodes.push({ name, clientPort: clientPorts[i]!, url: `nats://127.0.0.1:${clientPorts[i]}`, process: null });
  }
  const launch = (i: number) => {
    const n = nodes[i]!;
    const child = spawn(bin, ["-c", join(dir, `${n.name}.conf`)], { stdio: ["ignore", "ignore", "pipe"] });
    // Its log goes to a file (for a failing test's post-mortem), not to the test's output.
    const log: Buffer[] = [];
    child.stderr?.on("data", (b: Buffer) => {
      if (log.length < 2000) log.push(b);
    });
    child.on("exit", () => {
      // After stop() the directory is gone and there is nothing to keep.
      if (!stopped) writeFileSync(join(dir, `${n.name}.log`), Buffer.concat(log));
    });
    n.process = child;
  };
  const ready = async (i: number) => {
    for (let t = 0; t < 300; t++) {
      if (await portOpen(nodes[i]!.clientPort)) return;
      await sleep(50);
    }
    throw new Error(`nats-server ${nodes[i]!.name} did not start`);
  };
  for (let i = 0; i < size; i++) launch(i);
  const cluster: NatsCluster = {
    nodes,
    urls: nodes.map((n) => n.url),
    kill(i) {
      nodes[i]!.process?.kill("SIGKILL");
      nodes[i]!.process = null;
    },
    async restart(i) {
      launch(i);
      await ready(i);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const n of nodes) n.process?.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < size; i++) await ready(i);
    await waitForJetStream(cluster.urls);
  } catch (e) {
    cluster.stop();
    throw e;
  }
  return cluster;
}

/** Waits until the cluster answers JetStream account info (a meta leader exists). */
async function waitForJetStream(urls: string[]): Promise<void> {
  const { connect } = await import("@nats-io/transport-node");
  const { jetstreamManager } = await import("@nats-io/jetstream");
  const nc = await connect({ servers: urls });
  try {
    for (let t = 0; t < 200; t++) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 1000 });
        await jsm.getAccountInfo();
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error("the JetStream cluster elected no meta leader");
  } finally {
    await nc.close();
  }
}
