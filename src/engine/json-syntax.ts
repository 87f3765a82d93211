/**
 * Where a line stops being JSON, and what was expected there: the reason of a dead letter for a
 * line `JSON.parse` rejects. V8's own message quotes a snippet of the input, and a dead letter's
 * reason must never contain input text (the text may be a person's name), so the reason is built
 * from a position and a description of the expected token only. Runs only on rejected lines.
 */

/** The first syntax error of a text that is not JSON: 1-based column (in characters) and what was expected. */
export interface JsonSyntaxError {
  column: number;
  expected: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The first syntax error in `text`, or undefined when it is one valid JSON value. Never throws. */
export function firstJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;
  const fail = (expected: string): JsonSyntaxError => ({ column: Array.from(text.slice(0, i)).length + 1, expected });
  const skip = (): void => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  // An explicit stack of open containers ("{" or "["), so hostile nesting cannot overflow.
  const open: number[] = [];
  // What the scanner may read next: a value, an object key, or what follows a value or key.
  type Want = "value" | "key-or-close" | "key" | "colon" | "after-value";
  let want: Want = "value";
  for (;;) {
    skip();
    if (want === "value") {
      if (i >= n) return fail("a value (end of line reached)");
      const c = text.charCodeAt(i);
      if (c === 0x7b) {
        open.push(c);
        i++;
        want = "key-or-close";
        continue;
      }
      if (c === 0x5b) {
        open.push(c);
        i++;
        skip();
        if (text.charCodeAt(i) === 0x5d) {
          open.pop();
          i++;
          want = "after-value";
        }
        continue;
      }
      const bad = scalar();
      if (bad !== undefined) return bad;
      want = "after-value";
      continue;
    }
    if (want === "key-or-close" || want === "key") {
      if (i >= n) return fail(want === "key" ? "a property name in double quotes (end of line reached)" : "a property name in double quotes or '}' (end of line reached)");
      const c = text.charCodeAt(i);
      if (c === 0x7d && want === "key-or-close") {
        open.pop();
        i++;
        want = "after-value";
        continue;
      }
      if (c !== 0x22) return fail(want === "key" ? "a property name in double quotes" : "a property name in double quotes or '}'");
      const bad = string();
      if (bad !== undefined) return bad;
      want = "colon";
      continue;
    }
    if (want === "colon") {
      if (i >= n || text.charCodeAt(i) !== 0x3a) return fail(i >= n ? "':' (end of line reached)" : "':'");
      i++;
      want = "value";
      continue;
    }
    // after-value
    const top = open[open.length - 1];
    if (top === undefined) return i >= n ? undefined : fail("the end of the line after a complete value");
    const close = top === 0x7b ? 0x7d : 0x5d;
    const closeText = top === 0x7b ? "'}'" : "']'";
    if (i >= n) return fail(`',' or ${closeText} (end of line reached)`);
    const c = text.charCodeAt(i);
    if (c === 0x2c) {
      i++;
      want = top === 0x7b ? "key" : "value";
      continue;
    }
    if (c === close) {
      open.pop();
      i++;
      continue;
    }
    return fail(`',' or ${closeText}`);
  }

  function scalar(): JsonSyntaxError | undefined {
    const c = text.charCodeAt(i);
    if (c === 0x22) return string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return number();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    return fail("a value (an object, array, string, number, true, false or null)");
  }

  function string(): JsonSyntaxError | undefined {
    i++; // the opening quote
    for (;;) {
      if (i >= n) return fail("a closing '\"' (end of line reached inside a string)");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail("an escaped control character inside a string");
      if (c === 0x5c) {
        const e = text.charCodeAt(i + 1);
        if (e === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            return fail("four hexadecimal digits after \\u");
          }
          i += 6;
          continue;
        }
        if ('"\\/bfnrt'.includes(String.fromCharCode(e)) && i + 1 < n) {
          i += 2;
          continue;
        }
        i++;
        return fail("an escape character after '\\'");
      }
      i++;
    }
  }

  function number(): JsonSyntaxError | undefined {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0].length === 0 || m[0] === "-") {
      if (m !== null && m[0] === "-") i++;
      return fail("a digit");
    }
    i += m[0].length;
    const next = text.charCodeAt(i);
    if (next === 0x2e || next === 0x65 || next === 0x45) return fail("a digit");
    return undefined;
  }
}

/** The reason of a dead letter for a line that is not JSON: a position and the expected token, never input text. */
export function jsonSyntaxReason(text: string): string {
  const err = firstJsonError(text);
  if (err === undefined) return "invalid JSON";
  return `invalid JSON at column ${err.column}: expected ${err.expected}`;
}
