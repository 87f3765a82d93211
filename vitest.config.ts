import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Every compile in the tests (and in the CLI processes they start) checks the IR it emits
    // against the schema: see selfCheckByDefault in src/compile.ts.
    env: { QUNGUI_SELF_CHECK: "1" },
  },
});
