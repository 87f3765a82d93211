/**
 * The browser's {@link sha256Hex} (see ./digest.ts): @noble/hashes, audited and synchronous, where
 * Web Crypto's digest is asynchronous and the emitter is not. Only the playground bundle uses it.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
