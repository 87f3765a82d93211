/**
 * qungui highlighting for CodeMirror 6: a stream tokenizer over the language's own word lists
 * (src/syntax's RESERVED_WORDS, CONTEXTUAL_WORDS and UNIT_WORDS), so a new keyword is highlighted
 * without a change here.
 */
import { StreamLanguage, type StringStream } from "@codemirror/language";
import { CONTEXTUAL_WORDS, RESERVED_WORDS, UNIT_WORDS } from "../../syntax/index.js";
import { ROOTS } from "../../vocab/paths.js";

const KEYWORDS = new Set<string>(RESERVED_WORDS);
const CONTEXTUAL = new Set<string>(CONTEXTUAL_WORDS);
const UNITS = new Set<string>(UNIT_WORDS.flatMap((u) => [u, `${u}s`]));
const PATH_ROOTS = new Set<string>(ROOTS);

interface State {
  inComment: boolean;
}

export const qunguiLanguage = StreamLanguage.define<State>({
  name: "qungui",
  startState: () => ({ inComment: false }),
  token(stream: StringStream, state: State): string | null {
    if (state.inComment) {
      if (stream.skipTo("*/")) {
        stream.pos += 2;
        state.inComment = false;
      } else stream.skipToEnd();
      return "blockComment";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "lineComment";
    }
    if (stream.match("/*")) {
      state.inComment = true;
      return "blockComment";
    }
    if (stream.peek() === '"') {
      stream.next();
      let escaped = false;
      for (let c = stream.next(); c !== undefined && c !== null; c = stream.next()) {
        if (c === '"' && !escaped) break;
        escaped = c === "\\" && !escaped;
      }
      return "string";
    }
    if (stream.match(/^A\d+\.[\p{L}\p{N}_-]+/u)) return "link";
    if (stream.match(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?/)) return "number";
    if (stream.match(/^\d+/)) return "number";
    const word = stream.match(/^[\p{L}_][\p{L}\p{N}_-]*(\.[\p{L}\p{N}_-]+)*/u) as RegExpMatchArray | null;
    if (word) {
      const w = word[0];
      if (KEYWORDS.has(w)) return "keyword";
      if (UNITS.has(w)) return "unit";
      if (w.includes(".") && PATH_ROOTS.has(w.split(".")[0]!)) return "propertyName";
      if (CONTEXTUAL.has(w) || PATH_ROOTS.has(w)) return "atom";
      return "variableName";
    }
    if (stream.match(/^(==|!=|<=|>=|\.\.|[<>+\-])/)) return "operator";
    stream.next();
    return "punctuation";
  },
  languageData: { commentTokens: { line: "//", block: { open: "/*", close: "*/" } } },
});
