#!/usr/bin/env node
// The zeroscale command. It runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci` runs).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/bin.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error("zeroscale: dist/ is missing; run `npm run build` in the zeroscale package first.");
  process.exit(2);
}
await import(entry.href);
