/**
 * UTF-8 well-formedness by the Unicode standard (Table 3-7): no overlong forms, no surrogates
 * (U+D800–U+DFFF), nothing above U+10FFFF, no truncated sequence. An input line that is not
 * well-formed is refused, never repaired: decoding it with U+FFFD for each bad sequence would make
 * `v\xff` and `v\xfe` the same user id (docs/events.md, "Lines"). The CLI checks with Node's native
 * `isUtf8` first and calls this only to say where a line it rejected goes wrong; the browser
 * playground has only this.
 */

/**
 * The 0-based offset, from `start`, of the first ill-formed sequence of `bytes[start, end)` (where
 * it starts: a stray continuation byte, a lead byte whose sequence is broken or cut short), or -1
 * when the bytes are well-formed UTF-8.
 */
export function invalidUtf8Offset(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong 3-byte forms
      if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // no overlong 4-byte forms
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i - start;
    for (let k = 1; k <= need; k++) {
      const c = i + k < end ? bytes[i + k]! : -1;
      // The sequence that goes wrong is reported where it starts.
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i - start;
    }
    i += need + 1;
  }
  return -1;
}

/** The number of UTF-8 bytes of `text` (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
