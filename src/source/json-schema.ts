/**
 * JSON Schemas (draft 2020-12) built from small combinators that carry the TypeScript type of the
 * values they accept, so a schema written beside a hand-written type is checked against it by
 * `tsc`: an object schema must name every property of its type (optional ones marked so) and no
 * other, each with a schema of exactly that property's type, and a union's schema must have a
 * variant for each member and no more. The type is a phantom (`Schema<T>` is a plain JSON Schema
 * object at run time), used in both directions, so `Schema<string>` is neither a `Schema<string |
 * null>` nor the reverse: a field made nullable in the type and not in the schema fails to compile.
 *
 * Built this way rather than with ajv's `JSONSchemaType`, which accepts any `$ref` and any
 * variant of a union without checking it, the shape of a discriminated union included.
 */

declare const TYPE: unique symbol;
declare const OPTIONAL: unique symbol;

/** A JSON Schema for values of type `T` (exactly `T`: see the module comment). */
export type Schema<T> = { readonly [keyword: string]: unknown } & { readonly [TYPE]?: (value: T) => T };

/** The schema of an optional property (`id?: string`), made by {@link optional}. */
export class Optional<T> {
  declare readonly [OPTIONAL]?: (value: T) => T;
  constructor(readonly schema: Schema<T>) {}
}

/** The keys of `T` that are optional. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/** One schema per property of `T`: every key, optional ones as {@link Optional}. */
export type Properties<T> = { [K in keyof T]-?: K extends OptionalKeys<T> ? Optional<Exclude<T[K], undefined>> : Schema<T[K]> };

const schema = <T>(s: Record<string, unknown>): Schema<T> => s as Schema<T>;

/** Marks a property of {@link object} as optional: absent from `required`. */
export function optional<T>(s: Schema<T>): Optional<T> {
  return new Optional(s);
}

/**
 * A closed object (`additionalProperties: false`) of type `T`: give `T` where the context does
 * not (`object<SpanIR>({...})`); inside another schema's properties it is inferred from the
 * property's type.
 */
export function object<T>(properties: Properties<NoInfer<T>>): Schema<T> {
  const entries = Object.entries(properties as Record<string, Schema<unknown> | Optional<unknown>>);
  return schema({
    type: "object",
    additionalProperties: false,
    required: entries.filter(([, s]) => !(s instanceof Optional)).map(([k]) => k),
    properties: Object.fromEntries(entries.map(([k, s]) => [k, s instanceof Optional ? s.schema : s])),
  });
}

export function string(keywords: { minLength?: number; pattern?: string } = {}): Schema<string> {
  return schema({ type: "string", ...keywords });
}

export function integer(keywords: { minimum?: number; maximum?: number } = {}): Schema<number> {
  return schema({ type: "integer", ...keywords });
}

export const boolean: Schema<boolean> = schema({ type: "boolean" });

/** Exactly one value: `{ const: v }`. */
export function constant<const V extends string | number | boolean>(value: V): Schema<V> {
  return schema({ const: value });
}

/** One of the listed values: `{ enum: [...] }`. */
export function oneOfValues<const V extends string>(values: readonly V[]): Schema<V> {
  return schema({ enum: [...values] });
}

export function arrayOf<T>(items: Schema<T>, keywords: { minItems?: number } = {}): Schema<T[]> {
  return schema({ type: "array", items, ...keywords });
}

/** An object used as a map: any keys matching `keys`, every value of schema `values`. */
export function recordOf<T>(keys: Schema<string>, values: Schema<T>): Schema<Record<string, T>> {
  return schema({ type: "object", propertyNames: keys, additionalProperties: values });
}

/** `T` or `null`. */
export function nullable<T>(s: Schema<T>): Schema<T | null> {
  return schema({ anyOf: [s, { type: "null" }] });
}

type Variants<Ts extends readonly unknown[]> = { [I in keyof Ts]: Schema<Ts[I]> };

/** Exactly one of the variants holds (for a discriminated union: one variant per member). */
export function oneOf<const Ts extends readonly unknown[]>(...variants: Variants<Ts>): Schema<Ts[number]> {
  return schema({ oneOf: variants });
}

/** At least one of the variants holds (for a union whose members may overlap). */
export function anyOf<const Ts extends readonly unknown[]>(...variants: Variants<Ts>): Schema<Ts[number]> {
  return schema({ anyOf: variants });
}

/**
 * `$ref`s into a schema's `$defs`, typed by a table of the definitions' types, so that recursive
 * schemas (an expression whose operands are expressions) are checked like the rest:
 * `const ref = refs<{ expr: ExprIR }>()`, then `ref("expr")` is a `Schema<ExprIR>`; the `$defs`
 * are a {@link Definitions} of the same table.
 */
export function refs<D>(): <K extends keyof D & string>(name: K) => Schema<D[K]> {
  return (name) => schema({ $ref: `#/$defs/${name}` });
}

/** The `$defs` of a table of definitions' types: one schema each, of exactly that type. */
export type Definitions<D> = { [K in keyof D]-?: Schema<D[K]> };
