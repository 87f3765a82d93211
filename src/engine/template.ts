/**
 * Reason templates (`because "user {user} needs credit B …"`) compiled to closures, and the one
 * place engine values are rendered for people: levels, severities and tiers by name, instants in
 * RFC 3339 in the version's zone, elapsed times in words, "none" for no value.
 */
import type { TemplatePart } from "../ir/types.js";
import { PATHS, canonicalPath, type ValueType } from "../vocab/paths.js";
import { pathAccessor, rootId, type Ctx, type Val } from "./context.js";
import { formatElapsed, formatInstant } from "../source/time.js";
import { ProgramError, type VersionData } from "./version.js";

export function renderValue(val: Val | undefined, type: ValueType, v: VersionData): string {
  if (val === null || val === undefined) return "none";
  switch (type) {
    case "level":
      return v.levels[val as number] ?? String(val);
    case "severity":
      return v.severities[val as number] ?? String(val);
    case "tier":
      return v.tierNames[val as number] ?? String(val);
    case "time":
      return formatInstant(val as number, v.zone);
    case "duration":
      return formatElapsed(val as number);
    default:
      return String(val);
  }
}

export type Template = (c: Ctx) => string;

export function compileTemplate(parts: readonly TemplatePart[]): Template {
  const pieces: ((c: Ctx) => string)[] = parts.map((p) => {
    if (typeof p === "string") return () => p;
    const id = rootId(p.path);
    if (id !== undefined) return (c: Ctx) => id(c) ?? "none";
    const path = canonicalPath(p.path);
    const info = PATHS[path];
    if (info === undefined || info.window) throw new ProgramError(`template path {${p.path}} cannot be filled in`);
    const acc = pathAccessor(path);
    const type = info.type;
    return (c: Ctx) => renderValue(acc(c), type, c.v);
  });
  if (pieces.length === 1) return pieces[0]!;
  return (c) => {
    let s = "";
    for (const f of pieces) s += f(c);
    return s;
  };
}
