#!/usr/bin/env node
// The CLI is compiled TypeScript (npm install runs `prepare`, which builds dist/).
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`centinela: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
