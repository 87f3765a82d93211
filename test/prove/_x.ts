import { prove } from "../../src/prove/prove.js";
import { load } from "./helpers.js";
const ir = load(process.argv[2]!);
const rep = await prove(ir, { only: [process.argv[3]!] });
for (const k of rep.results[0]!.checks) console.log(k.event, k.kind, k.outcome, k.witness?.replay.status, k.witness?.replay.message);
