/**
 * `qungui serve`'s settings: flag over environment over config file over default, errors that name
 * where a bad value came from, and docs/services.md listing every setting with its flag and variable.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDuration, resolveServeConfig, SERVE_SETTINGS } from "../../../src/cli/serve-config.js";

describe("serve settings", () => {
  it("take the flag, else the environment, else the config file, else the default", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qungui-config-"));
    try {
      const file = join(dir, "c.yaml");
      writeFileSync(file, "port: 7000\nhost: 0.0.0.0\ntick: 250ms\nstore: from-file.db\nadoptPolicy: true\n");
      const c = await resolveServeConfig(undefined, { config: file, port: "7001" }, { QUNGUI_HOST: "::1", QUNGUI_TICK: "off" });
      expect(c).toMatchObject({ port: 7001, host: "::1", tick: 0, store: "from-file.db", adoptPolicy: true, grace: 10_000, logLevel: "info", durability: "full" });
      const viaEnv = await resolveServeConfig("p.qg", {}, { QUNGUI_CONFIG: file, QUNGUI_PORT: "0" });
      expect(viaEnv).toMatchObject({ policy: "p.qg", port: 0, tick: 250 });
      await expect(resolveServeConfig(undefined, {}, { QUNGUI_PORT: "http" })).rejects.toThrow(/QUNGUI_PORT must be an integer from 0 to 65535, not "http"/);
      writeFileSync(file, "porrt: 1\n");
      await expect(resolveServeConfig(undefined, { config: file }, {})).rejects.toThrow(/unknown setting "porrt"/);
      writeFileSync(file, "grace: soon\n");
      await expect(resolveServeConfig(undefined, { config: file }, {})).rejects.toThrow(/grace in .* must be a duration/);
      await expect(resolveServeConfig(undefined, { tlsCert: "c.pem" }, {})).rejects.toThrow(/both --tls-cert and --tls-key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect([parseDuration("1s"), parseDuration("250ms"), parseDuration("2m"), parseDuration("1500"), parseDuration("off"), parseDuration("soon")]).toEqual([1000, 250, 120_000, 1500, 0, undefined]);
  });

  it("are all listed in docs/services.md with their flag and environment variable", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "..", "docs", "services.md"), "utf8");
    for (const s of SERVE_SETTINGS) {
      const env = `QUNGUI_${s.key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
      const flag = s.key === "policy" ? "the argument" : `--${s.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      expect(doc, s.key).toContain(`| \`${s.key}\` | ${flag.startsWith("--") ? `\`${flag}\`` : flag} | \`${env}\` |`);
    }
  });
});
