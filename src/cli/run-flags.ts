/** The options of `qungui run`, shared by the plain run (./run.ts) and the run into a store (./run-store.ts). */
export interface RunFlags {
  deadLetter?: string;
  state?: string;
  failOnDeadLetters?: boolean;
  /** Commit to this store (src/cli/run-store.ts) and continue where an earlier run stopped (else QUNGUI_STORE). */
  store?: string;
  durability?: string;
  adoptPolicy?: boolean;
  /** The wall clock's reading for this run (RFC 3339), for simulations; default the system clock. */
  now?: string;
  /** The longest line read as an event, in bytes (default MAX_LINE_BYTES, 1 MiB). */
  maxLineBytes?: string;
}
