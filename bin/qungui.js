#!/usr/bin/env node
// The qungui command line. The TypeScript sources are compiled to dist/ by `npm install`
// (the `prepare` script); this file only hands over to the compiled entry point.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv);
