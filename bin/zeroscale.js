#!/usr/bin/env node
// The zeroscale command. It runs the CLI built into dist/ by `npm run build` (which `npm ci` runs):
// the esbuild bundle dist/cli/zeroscale.mjs (scripts/build-cli.mjs), or for the long-running commands
// (dev, build, replay, whose runtime finds files beside its modules) tsc's dist/cli/bin.js.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const TSC_COMMANDS = ["dev", "build", "replay"];
// The command is the first argument that is not an option (the global options take no value).
const command = process.argv.slice(2).find((a) => !a.startsWith("-"));
const tsc = new URL("../dist/cli/bin.js", import.meta.url);
const bundle = new URL("../dist/cli/zeroscale.mjs", import.meta.url);
const entry = TSC_COMMANDS.includes(command ?? "") || !existsSync(fileURLToPath(bundle)) ? tsc : bundle;
if (!existsSync(fileURLToPath(entry))) {
  console.error("zeroscale: dist/ is missing; run `npm run build` in the zeroscale package first.");
  process.exit(2);
}
await import(entry.href);
