/**
 * The typed schema combinators (src/source/json-schema.ts): what they write, and — checked by
 * `tsc` over this file (`npm run typecheck`), each `@ts-expect-error` failing the typecheck if the
 * line below it compiles — that a schema which disagrees with its type does not compile. These
 * are the cases a change to an IR type without the matching change to src/ir/schema.ts makes.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import { anyOf, arrayOf, boolean, constant, integer, nullable, object, oneOf, oneOfValues, optional, recordOf, refs, string, type Definitions, type Schema } from "../../../src/source/json-schema.js";

interface Leaf {
  kind: "leaf";
  name: string;
  id?: string;
  note: string | null;
  tags: string[];
}
interface Pair {
  kind: "pair";
  left: Tree;
  right: Tree;
}
type Tree = Leaf | Pair;

const ref = refs<{ tree: Tree }>();
const leaf = object<Leaf>({ kind: constant("leaf"), name: string({ minLength: 1 }), id: optional(string()), note: nullable(string()), tags: arrayOf(string()) });
const tree: Schema<Tree> = oneOf(leaf, object<Pair>({ kind: constant("pair"), left: ref("tree"), right: ref("tree") }));
const defs: Definitions<{ tree: Tree }> = { tree };

// Each of these disagrees with its type in one way; `tsc` must refuse every one.
export const rejected = [
  // @ts-expect-error a property of the type is missing from the schema
  object<Leaf>({ kind: constant("leaf"), name: string(), id: optional(string()), tags: arrayOf(string()) }),
  // @ts-expect-error a property the type does not have
  object<Leaf>({ kind: constant("leaf"), name: string(), id: optional(string()), note: nullable(string()), tags: arrayOf(string()), extra: string() }),
  // @ts-expect-error the type allows null, the schema does not
  object<Leaf>({ kind: constant("leaf"), name: string(), id: optional(string()), note: string(), tags: arrayOf(string()) }),
  // @ts-expect-error an optional property written as required
  object<Leaf>({ kind: constant("leaf"), name: string(), id: string(), note: nullable(string()), tags: arrayOf(string()) }),
  // @ts-expect-error a property of another type
  object<Leaf>({ kind: constant("leaf"), name: integer(), id: optional(string()), note: nullable(string()), tags: arrayOf(string()) }),
  // @ts-expect-error another discriminant
  object<Pair>({ kind: constant("leaf"), left: ref("tree"), right: ref("tree") }),
  // @ts-expect-error an enumeration short of the type's members
  object<{ unit: "day" | "week" }>({ unit: oneOfValues(["day"]) }),
  // @ts-expect-error a nested object short of a property (its type comes from the property's)
  object<{ inner: { a: string; b: number } }>({ inner: object({ a: string() }) }),
];
// @ts-expect-error a union's schema without a variant for one of its members
export const missingVariant: Schema<Tree> = oneOf(leaf);
// @ts-expect-error a definition of another type than its table says
export const wrongDefinition: Definitions<{ tree: Tree }> = { tree: leaf };

describe("typed JSON Schema combinators", () => {
  test("write closed objects whose required properties are the non-optional ones", () => {
    expect(leaf).toEqual({
      type: "object",
      additionalProperties: false,
      required: ["kind", "name", "note", "tags"],
      properties: {
        kind: { const: "leaf" },
        name: { type: "string", minLength: 1 },
        id: { type: "string" },
        note: { anyOf: [{ type: "string" }, { type: "null" }] },
        tags: { type: "array", items: { type: "string" } },
      },
    });
    expect(recordOf(string({ pattern: "^a" }), boolean)).toEqual({ type: "object", propertyNames: { type: "string", pattern: "^a" }, additionalProperties: { type: "boolean" } });
    expect(anyOf(string(), integer({ minimum: 0 }))).toEqual({ anyOf: [{ type: "string" }, { type: "integer", minimum: 0 }] });
  });

  test("validate what their type describes, recursion through $defs included", () => {
    const validate = new Ajv2020({ strict: true }).compile({ ...tree, $defs: defs });
    const good: Tree = { kind: "pair", left: { kind: "leaf", name: "a", note: null, tags: [] }, right: { kind: "leaf", name: "b", id: "x", note: "n", tags: ["t"] } };
    expect(validate(good)).toBe(true);
    expect(validate({ kind: "pair", left: { kind: "leaf", name: "", note: null, tags: [] }, right: good })).toBe(false);
    expect(validate({ kind: "leaf", name: "a", note: null, tags: [], colour: "red" })).toBe(false);
    expect(validate({ kind: "leaf", name: "a", tags: [] })).toBe(false);
  });
});
