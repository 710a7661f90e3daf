#!/usr/bin/env node
// Precompiles zeroscale's JSON Schemas into ajv standalone validators (ES modules importing only ajv's small run-time helpers), so
// no process compiles a schema at start: `npm run build` runs this before tsc, and vitest's global
// setup runs it with --if-stale. Two validators per schema: a fast one (first error only, no data
// kept) that every synth runs, and a full one (allErrors; the shape one also verbose, for messages)
// that runs only when the fast one fails, so diagnostics read exactly as an ajv compiled at run time.
//
// Output (gitignored; the .d.ts files next to them are committed): lib/validation/shape-validators.generated.js
// and lib/graph/graph-validator.generated.js, also copied into dist/ (tsc does not copy .js).
import { mkdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const standaloneCode = standalone.default ?? standalone;

/** The ajv options of every validator: the same as the run-time ones were. */
const BASE = { strict: true, allowUnionTypes: true, code: { source: true, esm: true } };

/** The generated modules: where they go, and how their schemas are read. */
const TARGETS = [
  {
    out: "lib/validation/shape-validators.generated.js",
    /** The shape schemas, read from their TypeScript module (bundled in memory by esbuild). */
    async schemas() {
      const built = await esbuild.build({ entryPoints: [join(root, "lib/validation/shape-schemas.ts")], bundle: true, format: "esm", platform: "node", write: false, metafile: true, logLevel: "error" });
      const mod = await import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString("base64")}`);
      const inputs = Object.keys(built.metafile.inputs);
      return { inputs, schemas: { function: mod.FUNCTION_PROPS_SCHEMA, trigger: mod.TRIGGER_PROPS_SCHEMA, scalingPolicy: mod.POLICY_PROPS_SCHEMA } };
    },
    fast: {},
    full: { allErrors: true, verbose: true },
    keywords: ["x-fix"],
  },
  {
    out: "lib/graph/graph-validator.generated.js",
    async schemas() {
      const file = "lib/graph/graph.schema.json";
      return { inputs: [file], schemas: { graph: JSON.parse(readFileSync(join(root, file), "utf8")) } };
    },
    fast: {},
    full: { allErrors: true },
    keywords: [],
  },
];

/** One standalone module exporting `<name>Fast` and `<name>Full` for each schema. */
async function generate(target) {
  const { inputs, schemas } = await target.schemas();
  const parts = [];
  for (const [mode, opts] of [["Fast", target.fast], ["Full", target.full]]) {
    const ajv = new Ajv({ ...BASE, ...opts });
    for (const keyword of target.keywords) ajv.addKeyword({ keyword, schemaType: "string" });
    const refs = {};
    for (const [name, schema] of Object.entries(schemas)) {
      const { $id: _id, ...rest } = schema; // keyed by name: two modes of one $id would clash
      ajv.addSchema(rest, `${name}${mode}`);
      refs[`${name}${mode}`] = `${name}${mode}`;
    }
    parts.push(standaloneCode(ajv, refs));
  }
  // Each part is a module of its own (its names would clash): bundle them into one without imports
  // (ajv's runtime helpers, ucs2length and equal, are imported from ajv: see the plugin).
  const entries = parts.map((code, i) => `export * from "part${i}";`).join("\n");
  const built = await esbuild.build({
    stdin: { contents: entries, resolveDir: root, sourcefile: "validators.js" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "error",
    plugins: [
      {
        name: "parts",
        setup(build) {
          build.onResolve({ filter: /^part\d+$/ }, (a) => ({ path: a.path, namespace: "part" }));
          build.onLoad({ filter: /.*/, namespace: "part" }, (a) => ({ contents: parts[Number(a.path.slice(4))], loader: "js", resolveDir: root }));
          // ajv's run-time helpers (ucs2length, equal) stay ajv's: imported from the installed package (a
          // dependency), never copied. The standalone code require()s them; a shim turns that into an import.
          build.onResolve({ filter: /^ajv\/dist\/runtime\/[a-z0-9]+$/ }, (a) => ({ path: a.path, namespace: "ajv-runtime" }));
          build.onLoad({ filter: /.*/, namespace: "ajv-runtime" }, (a) => ({ contents: `import m from "${a.path}.js";\nexport default typeof m === "function" ? m : m.default;\n`, loader: "js", resolveDir: root }));
          build.onResolve({ filter: /^ajv\/dist\/runtime\/[a-z0-9]+\.js$/ }, (a) => ({ path: a.path, external: true }));
        },
      },
    ],
  });
  const shownInputs = [...new Set([...inputs.map((f) => relative(root, join(root, f))), "scripts/build-validators.mjs"])].sort();
  const header = `// Generated by scripts/build-validators.mjs from ${shownInputs.join(", ")}; do not edit (npm run build).\n// inputs: ${JSON.stringify(shownInputs)}\n`;
  return { text: header + built.outputFiles[0].text, inputs: shownInputs };
}

/** True when the generated file is missing or older than one of its inputs (as listed in its header). */
function stale(out) {
  let text;
  let mtime;
  try {
    text = readFileSync(join(root, out), "utf8");
    mtime = statSync(join(root, out)).mtimeMs;
  } catch {
    return true;
  }
  const m = /^\/\/ inputs: (.*)$/m.exec(text);
  if (!m) return true;
  return JSON.parse(m[1]).some((f) => {
    try {
      return statSync(join(root, f)).mtimeMs > mtime;
    } catch {
      return true;
    }
  });
}

/** Generate every module (only the stale ones with `ifStale`), write it and its copy in dist/. Returns the written paths. */
export async function buildValidators({ ifStale = false, write = true } = {}) {
  const results = [];
  for (const target of TARGETS) {
    if (ifStale && !stale(target.out)) continue;
    const { text } = await generate(target);
    results.push({ out: target.out, text });
    if (!write) continue;
    writeFileSync(join(root, target.out), text);
    const dts = target.out.replace(/\.js$/, ".d.ts");
    for (const file of [target.out, dts]) {
      const copy = join(root, "dist", file);
      mkdirSync(dirname(copy), { recursive: true });
      copyFileSync(join(root, file), copy);
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildValidators({ ifStale: process.argv.includes("--if-stale") });
}

/** vitest's global setup (vitest.config.ts): tests run from the sources, so regenerate what is stale. */
export default async function setup() {
  await buildValidators({ ifStale: true });
}
