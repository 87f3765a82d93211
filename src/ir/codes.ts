/** Diagnostic codes of IR loading (QG070–QG079). See docs/diagnostics.md. */
import type { CodeInfo } from "../source/diagnostic.js";
import { integrityGuards } from "./guards.js";
import { IR_VERSION } from "./types.js";

/** The smallest IR a loader accepts, with `extra` as its rules; its guards are every IR's. */
const minimal = (extra: string) =>
  `{"kind":"policy","irVersion":${IR_VERSION},"name":"t","title":null,"source":null,"spans":{},"versions":[{"kind":"version","id":"v","version":"1","effective":"2017-10-08T00:00:00+08:00","zone":"Asia/Shanghai","toleranceMs":0,"cites":[],"agreement":null,"identity":null,"credit":{"kind":"credit","id":"c","cites":[],"levels":["C","B"],"default":"C"},"categories":[],"tiers":[],"limits":{"kind":"limits","id":null,"cites":[],"membersPerGroup":100,"groupsCreated":null,"groupsJoined":null,"infoPage":null},"prohibited":{"kind":"prohibited","id":null,"cites":[],"severities":["minor"],"categories":[]},"measures":[],"responsibility":null,"complaints":null,"retention":null,"management":{"kind":"management","id":null,"cites":[],"muteFor":{"amount":1,"unit":"day"}},"blacklist":null,"rules":[${extra}],"guards":${JSON.stringify(integrityGuards())}}]}`;

export const IR_CODES: CodeInfo[] = [
  {
    code: "QG070",
    severity: "error",
    title: "IR does not match the schema",
    explanation:
      "A compiled policy (IR) loaded from a file or over HTTP is checked against the IR JSON Schema (draft 2020-12). Unknown fields are rejected so that a typo cannot silently change a policy. The message starts with the JSON pointer of the offending value.",
    bad: minimal(`{"kind":"rule","id":"r","name":"x","origin":"policy","section":null,"on":["message.post"],"effect":"deny","when":{"kind":"lit","type":"bool","value":true},"because":["no"],"cites":[],"severity":"high"}`),
    fixed: minimal(`{"kind":"rule","id":"r","name":"x","origin":"policy","section":null,"on":["message.post"],"effect":"deny","when":{"kind":"lit","type":"bool","value":true},"because":["no"],"cites":[]}`),
  },
  {
    code: "QG071",
    severity: "error",
    title: "unsupported IR version",
    explanation: `The IR carries its format version in \`irVersion\`. This build reads version ${IR_VERSION}, and version 1 (IR from before each version carried its integrity guards, which it adds); recompile the policy with this qungui.`,
    bad: minimal("").replace(`"irVersion":${IR_VERSION}`, `"irVersion":${IR_VERSION + 1}`),
    fixed: minimal(""),
  },
  {
    code: "QG072",
    severity: "error",
    title: "IR refers to something it does not define",
    explanation:
      "References the schema cannot express are checked after it: credit levels, categories, tiers and severities named in rules exist in the same version, paths are known, zones are valid, versions are in increasing effective order, and every version's `guards` are the integrity guards every compiled policy carries (docs/engine.md, \"Decided events\"): the same in every IR, so a document cannot weaken them.",
    bad: minimal(`{"kind":"rule","id":"r","name":"x","origin":"policy","section":null,"on":["message.post"],"effect":"deny","when":{"kind":"cmp","op":"<","left":{"kind":"path","path":"actor.credit","type":"level"},"right":{"kind":"lit","type":"level","value":"Z"}},"because":["no"],"cites":[]}`),
    fixed: minimal(`{"kind":"rule","id":"r","name":"x","origin":"policy","section":null,"on":["message.post"],"effect":"deny","when":{"kind":"cmp","op":"<","left":{"kind":"path","path":"actor.credit","type":"level"},"right":{"kind":"lit","type":"level","value":"B"}},"because":["no"],"cites":[]}`),
  },
  {
    code: "QG079",
    severity: "error",
    title: "internal error: emitted IR is invalid",
    explanation:
      "With its self-check on, the compiler checks its own output against the IR schema: always in qungui's test suite, and wherever the environment variable `QUNGUI_SELF_CHECK` is `1`. This code means qungui has a bug: the policy passed the checker but the IR it produced is not valid. Please report it with the policy. (The engine refuses IR it cannot run with the same code, self-check or not.)",
    bad: "",
    fixed: "",
  },
];
