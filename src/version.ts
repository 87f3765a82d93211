/** qungui's version, as package.json gives it (test/unit/docgen/metadata.test.ts keeps the two equal); documents and `--version` print it. */
export const QUNGUI_VERSION = "0.1.0";
