/**
 * Reading YAML test files with positions. Files are parsed with the `failsafe` schema, so every
 * scalar is text exactly as written (`001` stays `001`, `2017-10` stays a string) and the format
 * decides what a value means. Every problem names a line and column of the file, and reading
 * never throws: a bad node is reported and skipped.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";

export interface Pos {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export interface Problem {
  pos: Pos;
  message: string;
}

export function formatPos(p: Pos): string {
  return `${p.file}:${p.line}:${p.col}`;
}

export interface Entry {
  key: string;
  keyPos: Pos;
  value: Node | null;
  pos: Pos;
}

/** A parsed YAML document plus the helpers that read its nodes and collect problems. */
export class YamlReader {
  readonly problems: Problem[] = [];
  readonly root: Node | null;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    text: string,
  ) {
    const doc = parseDocument(text, { lineCounter: this.lines, schema: "failsafe", uniqueKeys: true, prettyErrors: false });
    for (const e of [...doc.errors, ...doc.warnings]) {
      const lp = e.linePos?.[0];
      this.problems.push({ pos: { file, line: lp?.line ?? 1, col: lp?.col ?? 1 }, message: firstLine(e.message) });
    }
    this.root = doc.errors.length > 0 ? null : ((doc.contents as Node | null) ?? null);
  }

  pos(node: Node | null | undefined, fallback?: Pos): Pos {
    const at = node?.range?.[0];
    if (at === undefined) return fallback ?? { file: this.file, line: 1, col: 1 };
    const lp = this.lines.linePos(at);
    return { file: this.file, line: lp.line, col: lp.col };
  }

  error(at: Node | Pos | null | undefined, message: string): void {
    const pos = at && "file" in at ? at : this.pos(at as Node | null | undefined);
    if (!this.problems.some((p) => p.message === message && p.pos.line === pos.line && p.pos.col === pos.col)) this.problems.push({ pos, message });
  }

  /** The entries of a mapping, or null (reported) when the node is not one. */
  map(node: Node | null, what: string, at?: Pos): Entry[] | null {
    if (!isMap(node)) {
      this.error(node ?? at, `${what} must be a mapping (key: value lines)`);
      return null;
    }
    const out: Entry[] = [];
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const k = item.key as Node | null;
      if (!isScalar(k) || k.value === null || typeof k.value === "object") {
        this.error(k, `${what}: keys must be plain names`);
        continue;
      }
      const keyPos = this.pos(k);
      out.push({ key: String(k.value), keyPos, value: (item.value as Node | null) ?? null, pos: keyPos });
    }
    return out;
  }

  /** The items of a sequence, or null (reported) when the node is not one. */
  seq(node: Node | null, what: string, at?: Pos): (Node | null)[] | null {
    if (!isSeq(node)) {
      this.error(node ?? at, `${what} must be a list (lines starting with "- ")`);
      return null;
    }
    return node.items.map((n) => (n as Node | null) ?? null);
  }

  isMap(node: Node | null): boolean {
    return isMap(node);
  }

  isSeq(node: Node | null): boolean {
    return isSeq(node);
  }

  isScalar(node: Node | null): boolean {
    return isScalar(node) && node.value !== null;
  }

  /** A scalar's text, or null (reported) for a mapping, list or empty value. */
  str(node: Node | null, what: string, at?: Pos): string | null {
    if (!isScalar(node) || node.value === null || node.value === undefined) {
      this.error(node ?? at, `${what} must be a single value${node && (isMap(node) || isSeq(node)) ? ", not a " + (isMap(node) ? "mapping" : "list") : ""}`);
      return null;
    }
    return String(node.value);
  }

  /** Plain data of a node (strings, arrays, null-prototype objects), for values passed through as they are. */
  data(node: Node | null): unknown {
    if (node === null) return null;
    if (isScalar(node)) return node.value === null || node.value === undefined ? null : String(node.value);
    if (isSeq(node)) return node.items.map((n) => this.data((n as Node | null) ?? null));
    if (isMap(node)) {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const item of node.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        out[String((item.key as { value: unknown }).value)] = this.data((item.value as Node | null) ?? null);
      }
      return out;
    }
    return null;
  }
}

function firstLine(s: string): string {
  const i = s.indexOf("\n");
  return (i < 0 ? s : s.slice(0, i)).replace(/:$/, "").trim();
}

/** "did you mean" for a misspelt key. */
export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word, o);
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function unknownKey(r: YamlReader, e: Entry, where: string, allowed: readonly string[]): void {
  const hint = closest(e.key, allowed);
  r.error(e.keyPos, `unknown key \`${e.key}\` in ${where}${hint ? ` (did you mean \`${hint}\`?)` : `; expected one of: ${allowed.join(", ")}`}`);
}
