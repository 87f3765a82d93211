/**
 * The SHA-256 of a text, as lowercase hex (the IR's `source.sha256`). On Node this is node:crypto;
 * the browser bundle of the playground (scripts/playground.ts) is given ./digest.browser.ts instead
 * through the `browser` field of package.json, since a browser has no synchronous native SHA-256.
 * test/unit/source/digest.test.ts holds the two to the same answers.
 */
import { createHash } from "node:crypto";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
