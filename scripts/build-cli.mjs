#!/usr/bin/env node
// Bundles the CLI into dist/cli/zeroscale.mjs (ESM, code splitting: each backend, each library entry
// point a program may import, and every other lazily imported module is its own chunk under
// dist/cli/chunks/, evaluated only when imported). It bundles tsc's output (dist/), so `npm run
// build` runs it after tsc. bin/zeroscale.js runs the bundle for synth, validate, graph and init, and
// tsc's dist/cli/bin.js for dev, build and replay (long-running commands whose runtime finds files
// next to its modules: the runner, the console's assets, pino's transports).
//
// Bundled: zeroscale's own modules and the few small packages every command uses. External: Node's
// builtins, the optional peers (Pulumi SDKs, typescript, vitest), esbuild (a native service), and every
// other package (each loaded from node_modules when needed). `constructs` stays external so that a
// user's program and the CLI share one copy of it.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The packages inlined into the bundle (pure JavaScript, on every command's path), with their own
 * dependencies: one file each instead of Node resolving and compiling their many small CommonJS
 * files at every start (cloudevents alone brings ajv's ~180).
 */
export const BUNDLED_PACKAGES = ["commander", "yaml", "picocolors", "fastest-levenshtein", "croner", "cloudevents"];

/** Build the bundle; resolves to esbuild's metafile (inputs and outputs). */
export async function buildCli() {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { zeroscale: join(root, "dist/cli/bin.js") },
    outdir: join(root, "dist/cli"),
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: [],
    metafile: true,
    write: false,
    legalComments: "none",
    logLevel: "error",
    // Bundled CommonJS packages (yaml, commander) call require() for builtins: give the bundle one.
    banner: { js: 'import { createRequire as __zsCreateRequire } from "node:module"; const require = __zsCreateRequire(import.meta.url);' },
    plugins: [
      {
        name: "externals",
        setup(build) {
          // `dev` runs tsc's output (bin/zeroscale.js): its module stays the sibling file dist/cli/dev.js.
          build.onResolve({ filter: /^\.\/dev\.js$/ }, (args) => (args.importer.endsWith(join("dist", "cli", "main.js")) ? { path: "./dev.js", external: true } : undefined));
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
            const fromBundledPackage = args.importer.includes(`${sep}node_modules${sep}`);
            return BUNDLED_PACKAGES.includes(name) || fromBundledPackage ? undefined : { path: args.path, external: true };
          });
        },
      },
    ],
  });
  // Chunks first, the entry last (renamed into place), then the last build's chunks (their names carry
  // content hashes), so a CLI started meanwhile finds a complete bundle.
  const chunks = join(root, "dist/cli/chunks");
  mkdirSync(chunks, { recursive: true });
  const entry = result.outputFiles.filter((f) => !f.path.startsWith(chunks + sep));
  for (const f of result.outputFiles.filter((o) => o.path.startsWith(chunks + sep))) writeFileSync(f.path, f.contents);
  for (const f of entry) {
    writeFileSync(`${f.path}.tmp`, f.contents);
    renameSync(`${f.path}.tmp`, f.path);
  }
  const fresh = new Set(result.outputFiles.map((f) => f.path));
  for (const name of readdirSync(chunks)) if (!fresh.has(join(chunks, name))) rmSync(join(chunks, name), { force: true });
  return result.metafile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await buildCli();
