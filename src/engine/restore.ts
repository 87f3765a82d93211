/**
 * Restoring a saved engine state (`--state` files, store snapshots, cluster rows): validated
 * against the state's schema (./state-schema.ts, derived with the types of ./state.ts), then
 * copied by that schema into fresh objects, the id-keyed tables as null-prototype records, so
 * nothing from the input is trusted as an object prototype. A state this engine did not write is a
 * {@link StateError} naming the first bad path and why — never a crash, and never a value of the
 * input in the message.
 *
 * A copy of a state the engine itself holds (`cloneState`: explain's scratch copy, a verify
 * session's fork) is made the same way without the validation: ajv validates with generated code,
 * which a page whose Content-Security-Policy forbids `eval` (the playground) cannot run.
 */
import { record, snapshotState, type EngineState } from "./state.js";
import { describeStateError, STATE_SCHEMA, stateValidator } from "./state-schema.js";
import { heapify } from "./timers.js";

/** Thrown by {@link restoreState} when a saved state is not one this engine wrote. */
export class StateError extends Error {
  override name = "StateError";
}

function refuse(path: string, reason: string): never {
  throw new StateError(`invalid engine state at ${path}: ${reason}`);
}

type Node = { properties?: Record<string, Node>; items?: Node; additionalProperties?: Node | boolean };

/**
 * A fresh copy of a validated value, shaped by its schema node: a closed object gets exactly its
 * schema's fields (in the schema's order, which is the engine's own), a table (`additionalProperties`)
 * becomes a null-prototype record, an array is copied item by item. Stored IR actions (a `$ref`)
 * are plain closed data the IR schema has checked, copied whole.
 */
function copy(value: unknown, node: Node | undefined): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((x: unknown) => copy(x, node?.items));
  const from = value as Record<string, unknown>;
  if (node?.properties !== undefined) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(node.properties)) out[k] = copy(from[k], node.properties[k]);
    return out;
  }
  if (typeof node?.additionalProperties === "object") {
    const out = record<unknown>();
    for (const k of Object.keys(from)) out[k] = copy(from[k], node.additionalProperties);
    return out;
  }
  return structuredClone(value);
}

/** The checks a schema cannot state, and the fields derived from others. */
function settle(st: EngineState): EngineState {
  st.seen = [...new Set(st.seen)];
  for (const id of Object.keys(st.groups)) {
    const g = st.groups[id]!;
    if (g.members[g.creator] !== "creator") refuse(`state.groups[${JSON.stringify(id)}].members`, "expected the creator as a member with role creator");
    // Derived counts are recomputed, so a hand-edited state cannot disagree with its member table.
    let members = 0;
    let managers = 0;
    for (const k in g.members) {
      members++;
      if (g.members[k] === "manager") managers++;
    }
    g.memberCount = members;
    g.managerCount = managers;
  }
  for (const t of st.timers) if (t.seq >= st.seq) refuse("state.seq", "expected a sequence number above every timer's");
  heapify(st.timers);
  return st;
}

/**
 * Rebuilds a state from its JSON text (or an already-parsed value), checking every field against
 * the state schema. Throws {@link StateError} naming the first bad path.
 */
export function restoreState(input: string | unknown): EngineState {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      throw new StateError("invalid engine state: not JSON");
    }
  }
  const validate = stateValidator();
  let st: EngineState;
  try {
    if (!validate(value)) {
      const { path, reason } = describeStateError(validate.errors ?? []);
      refuse(path, reason);
    }
    st = copy(value, STATE_SCHEMA as Node) as EngineState;
  } catch (e) {
    if (e instanceof StateError) throw e;
    // Only input nested past the stack (actions within actions) or a hostile value (a throwing
    // getter, a proxy) gets here.
    throw new StateError("invalid engine state: nested too deeply or unreadable");
  }
  return settle(st);
}

/**
 * An independent copy of a state this engine holds, as restoring its snapshot would give: the same
 * copy, tables and derived counts, without validating what the engine itself wrote.
 */
export function cloneState(st: EngineState): EngineState {
  return settle(copy(JSON.parse(snapshotState(st)), STATE_SCHEMA as Node) as EngineState);
}
