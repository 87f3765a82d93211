/** One side of a comparison: a version of a policy. */
import type { PolicyIR, VersionIR } from "../ir/types.js";

export interface Side {
  ir: PolicyIR;
  version: VersionIR;
}
