/**
 * What `qungui serve` and `serve --cluster` read besides their settings: the admin token (from the
 * file `--token-file` names or QUNGUI_ADMIN_TOKEN, never from argv or the config file) and the TLS
 * certificate and key.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "./io.js";
import type { ServeConfig } from "./serve-config.js";

export function adminToken(c: ServeConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (c.tokenFile !== undefined) {
    let t: string;
    try {
      t = readFileSync(c.tokenFile, "utf8").trim();
    } catch (e) {
      throw new UsageError(`cannot read ${c.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (t.length < 16) throw new UsageError(`the token in ${c.tokenFile} is too short (16 characters at least)`);
    return t;
  }
  const token = env["QUNGUI_ADMIN_TOKEN"];
  if (token !== undefined && token.length > 0 && token.length < 16) throw new UsageError("QUNGUI_ADMIN_TOKEN is too short (16 characters at least)");
  return token === undefined || token.length === 0 ? undefined : token;
}

export function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
