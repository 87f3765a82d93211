/**
 * `qungui reqs [--format json]`: every requirement id of the regulation (src/law/articles.ts) with
 * its article, its kind and qungui's one-line summary, so that a policy author can pick the ids a
 * block `serves` without reading the source. The stream properties verify judges for each
 * requirement are listed with it (src/verify/properties.ts, docs/verify.md).
 */
import { REQUIREMENTS } from "../law/articles.js";
import { propertiesOf } from "../verify/properties.js";
import { EXIT, type Io } from "./io.js";

export function runReqs(opts: { format: string }, io: Io): number {
  const rows = REQUIREMENTS.map((r) => ({
    id: r.id,
    article: r.article,
    ...(r.alsoArticles ? { alsoArticles: r.alsoArticles } : {}),
    kind: r.kind,
    declaratory: r.declaratory === true,
    summary: r.summary,
    properties: propertiesOf(r.id).map((p) => ({ id: p.id, kind: p.kind })),
  }));
  if (opts.format === "json") {
    io.out(JSON.stringify(rows, null, 2) + "\n");
    return EXIT.ok;
  }
  const width = Math.max(...rows.map((r) => r.id.length));
  const lines = rows.map((r) => `${r.id.padEnd(width)}  Art. ${String(r.article).padEnd(2)}  ${(r.declaratory ? "declaratory" : r.kind).padEnd(13)}  ${r.summary}`);
  io.out(lines.join("\n") + "\n");
  return EXIT.ok;
}
