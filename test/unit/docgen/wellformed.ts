/**
 * A strict checker for the HTML that src/docgen writes (no parser dependency): tags balance and
 * nest, attributes are quoted, text has no raw `<`, `&` only starts an entity, ids are unique, every
 * fragment link has its target, tables have a caption and scoped header cells, and nothing is
 * loaded from the network. Returns the problems found (empty when well-formed).
 */
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const RAW_TEXT = new Set(["script", "style"]);

export interface HtmlFacts {
  problems: string[];
  ids: Set<string>;
  /** Tag name → count. */
  tags: Map<string, number>;
}

export function checkHtml(html: string): HtmlFacts {
  const problems: string[] = [];
  const ids = new Set<string>();
  const tags = new Map<string, number>();
  const links: string[] = [];
  const stack: string[] = [];
  let tableState: { caption: boolean; th: number; thScoped: number }[] = [];
  if (!html.startsWith("<!DOCTYPE html>\n")) problems.push("missing <!DOCTYPE html>");
  let i = html.indexOf("\n") + 1;
  const tagRe = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*(\/?)>/y;
  const attrRe = /\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    const text = html.slice(i, lt < 0 ? html.length : lt);
    const badAmp = /&(?!(?:amp|lt|gt|quot|#39|#\d+|#x[0-9a-fA-F]+);)/.exec(text);
    if (badAmp) problems.push(`unescaped & in text near ${JSON.stringify(text.slice(Math.max(0, badAmp.index - 20), badAmp.index + 20))}`);
    if (text.includes(">")) problems.push(`raw > in text near ${JSON.stringify(text.slice(0, 40))}`);
    if (lt < 0) break;
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    tagRe.lastIndex = lt;
    const m = tagRe.exec(html);
    if (!m) {
      problems.push(`malformed tag at ${lt}: ${JSON.stringify(html.slice(lt, lt + 60))}`);
      i = lt + 1;
      continue;
    }
    const [, close, rawName, attrText] = m;
    const name = rawName!.toLowerCase();
    i = tagRe.lastIndex;
    if (close) {
      const top = stack.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? "nothing"}>`);
      if (name === "table") {
        const t = tableState.pop()!;
        if (!t.caption) problems.push("a table without a caption");
        if (t.th === 0) problems.push("a table without header cells");
        if (t.thScoped !== t.th) problems.push("a table header cell without scope");
      }
      continue;
    }
    tags.set(name, (tags.get(name) ?? 0) + 1);
    const attrs = new Map<string, string>();
    for (const a of attrText!.matchAll(attrRe)) {
      if (attrs.has(a[1]!)) problems.push(`duplicate attribute ${a[1]} on <${name}>`);
      attrs.set(a[1]!, a[2] ?? "");
      if (a[2] !== undefined && /[<>]/.test(a[2]) && a[1] !== "content") problems.push(`raw < or > in attribute ${a[1]}`);
    }
    const id = attrs.get("id");
    if (id !== undefined) {
      if (ids.has(id)) problems.push(`duplicate id ${id}`);
      ids.add(id);
    }
    for (const k of ["src", "href"]) {
      const v = attrs.get(k);
      if (v === undefined) continue;
      if (/^(https?:)?\/\//i.test(v) && name !== "a") problems.push(`<${name} ${k}> loads from the network: ${v}`);
      if (/^javascript:/i.test(v)) problems.push(`javascript: URL in ${k}`);
      if (k === "href" && v.startsWith("#")) links.push(v.slice(1));
    }
    if (name === "link" || (name === "script" && attrs.has("src")) || name === "img" || name === "iframe") problems.push(`<${name}> may load a resource`);
    if (name === "caption" && tableState.length) tableState[tableState.length - 1]!.caption = true;
    if (name === "th" && tableState.length) {
      const t = tableState[tableState.length - 1]!;
      t.th++;
      if (attrs.get("scope") === "col" || attrs.get("scope") === "row") t.thScoped++;
    }
    if (name === "table") tableState.push({ caption: false, th: 0, thScoped: 0 });
    if (VOID.has(name)) continue;
    if (RAW_TEXT.has(name)) {
      const end = html.toLowerCase().indexOf(`</${name}>`, i);
      if (end < 0) problems.push(`<${name}> is not closed`);
      i = end < 0 ? html.length : end + name.length + 3;
      continue;
    }
    stack.push(name);
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(" > ")}`);
  for (const l of links) if (l !== "" && !ids.has(decodeURIComponent(l))) problems.push(`link to #${l} has no target`);
  tableState = [];
  return { problems, ids, tags };
}
