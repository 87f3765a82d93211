// The CLI from the TypeScript sources, for tests that need it as a process of its own
// (`node --import tsx test/unit/cli/qungui-src.ts run …`).
import { main } from "../../../src/cli/main.js";

process.exitCode = await main(process.argv);
