/**
 * Writes the JSON Schemas into schema/, each from the one definition the code validates with:
 *
 * - the event and decision contract (interface v1), from src/vocab/schemas.ts (the engine's
 *   intake and the HTTP API): schema/event-v1.json, any event (a `oneOf` by `type`);
 *   schema/events/<type>.json, one event type each; schema/decision-v1.json,
 *   schema/dead-letter-v1.json. docs/events.md links them;
 * - the IR, from src/ir/schema.ts (the loader): schema/ir-v<IR version>.json, linked from
 *   docs/architecture.md.
 *
 * `npm run schemas` after changing src/vocab or src/ir; test/unit/docs/schemas.test.ts fails
 * while the committed files differ from what this writes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DEAD_LETTER_SCHEMA, DECISION_SCHEMA, EVENT_SCHEMA, eventSchema } from "../src/vocab/schemas.js";
import { EVENT_TYPES } from "../src/vocab/events.js";
import { IR_SCHEMA } from "../src/ir/schema.js";
import { IR_VERSION } from "../src/ir/types.js";

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** Every schema file: path under schema/ → its text. */
export function schemaFiles(): Record<string, string> {
  const files: Record<string, string> = {
    "event-v1.json": json(EVENT_SCHEMA),
    "decision-v1.json": json(DECISION_SCHEMA),
    "dead-letter-v1.json": json(DEAD_LETTER_SCHEMA),
    [`ir-v${IR_VERSION}.json`]: json(IR_SCHEMA),
  };
  for (const type of EVENT_TYPES) {
    files[`events/${type}.json`] = json({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: `https://qungui.dev/schema/events/${type}.json`,
      ...eventSchema(type),
      title: `qungui event ${type}, interface v1`,
    });
  }
  return files;
}

function write(root: string): void {
  for (const [path, text] of Object.entries(schemaFiles())) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  write("schema");
  console.log(`wrote ${Object.keys(schemaFiles()).length} schemas to schema/`);
}
