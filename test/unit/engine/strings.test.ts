import fc from "fast-check";
import { expect, test } from "vitest";
import { oneByteStrings } from "../../../src/engine/strings.js";

test("oneByteStrings copies JSON data exactly, without touching the original", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const before = JSON.stringify(v);
      const copy = oneByteStrings(v);
      expect(JSON.stringify(copy)).toBe(before);
      expect(JSON.stringify(v)).toBe(before);
    }),
    { numRuns: 300 },
  );
});

test("a `__proto__` key stays an own key and never becomes the prototype", () => {
  const hostile = JSON.parse('{"__proto__":{"polluted":true},"群":"规","a":"ab"}') as Record<string, unknown>;
  const copy = oneByteStrings(hostile);
  expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  expect(Object.keys(copy)).toEqual(["__proto__", "群", "a"]);
  expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
});
