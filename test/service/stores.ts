/**
 * The stores every contract test runs against. PostgreSQL joins the list when
 * QUNGUI_TEST_POSTGRES is set (see test/service/postgres.ts); SQLite and memory always run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "../../src/store/memory.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import type { Store } from "../../src/store/types.js";

export interface StoreFactory {
  name: string;
  /** A fresh, empty store. */
  create(): Promise<Store>;
  /** A second handle on the same store as `of` (another process or instance), when the kind has one. */
  reopen?(of: Store): Promise<Store>;
  cleanup(): void;
}

export function sqliteFactory(options: { synchronous?: "full" | "normal" } = {}): StoreFactory {
  const dir = mkdtempSync(join(tmpdir(), "qungui-store-"));
  let n = 0;
  return {
    name: "sqlite",
    create: async () => openSqliteStore(join(dir, `s${++n}.db`), { synchronous: options.synchronous ?? "normal" }),
    reopen: async (of) => openSqliteStore(of.location, { synchronous: options.synchronous ?? "normal" }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function memoryFactory(): StoreFactory {
  return { name: "memory", create: async () => new MemoryStore(), cleanup: () => undefined };
}

export function storeFactories(): StoreFactory[] {
  return [memoryFactory(), sqliteFactory()];
}
