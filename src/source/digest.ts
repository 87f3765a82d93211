/**
 * The project's one content digest (SHA-256, hex). Every hash the compiler, engine and stores
 * compute goes through here, so a browser build has one module to provide: ./digest.browser.ts,
 * which the `browser` field of package.json gives the playground bundle.
 */
import { createHash } from "node:crypto";

/** SHA-256 of a string's UTF-8 bytes, as 64 lowercase hex digits. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
