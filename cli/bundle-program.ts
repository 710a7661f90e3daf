// Loads a user's program by bundling it with esbuild in memory (TypeScript and JavaScript, ESM and
// CommonJS alike) instead of running it through tsx's loader hooks:
//
// - the program's own files are bundled (one module; inline source map, so stack frames name the
//   .ts lines), every package is left external and imported from the file Node would load;
// - `zeroscale` and its subpaths are not loaded again: they become virtual modules re-exporting the
//   CLI's own, already loaded copy, which the CLI puts on globalThis under LIBRARY_KEY (named exports
//   listed at bundle time), so the program's App, Duration, ... are the CLI's classes;
// - `import.meta.url` / `dirname` / `filename`, `__dirname` and `__filename` keep naming each
//   source file, and `require` works in CommonJS programs (createRequire at the program's URL).
//
// The bundle is written to a temp file (its source map's paths are relative to it), imported and
// deleted. esbuild's service is started early by {@link warmUpProgramBundler} (cli/bin.ts calls it
// before loading the CLI), so its start overlaps the CLI's own module load.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildFailure, Loader, Message, Plugin } from "esbuild";

type Esbuild = typeof import("esbuild");

/** The globalThis key of the CLI's library table (a Symbol.for, so every copy of this module agrees). */
export const LIBRARY_KEY = Symbol.for("zeroscale.cli.library");

/** The CLI's own copy of each zeroscale entry point a program may import, by subpath ("." = `zeroscale`). */
const LIBRARY: Readonly<Record<string, () => Promise<Record<string, unknown>>>> = {
  ".": () => import("../lib/index.js"),
  "./events": () => import("../lib/events/index.js"),
  "./testing": () => import("../lib/testing/index.js"),
  "./providers/knative": () => import("../providers/knative/index.js"),
  "./providers/keda": () => import("../providers/keda/index.js"),
  "./providers/docker": () => import("../providers/docker/index.js"),
  "./providers/cloudrun": () => import("../providers/cloudrun/index.js"),
  "./providers/aca": () => import("../providers/aca/index.js"),
  "./providers/lambda": () => import("../providers/lambda/index.js"),
};

/** The library table on globalThis: each loaded subpath's namespace. */
type LibraryTable = Map<string, Record<string, unknown>>;

/** Start loading esbuild and its service (a child process) now; {@link bundleProgram} awaits the same promise. */
export function warmUpProgramBundler(): Promise<Esbuild> {
  const table = globalThis as unknown as Record<symbol, Promise<Esbuild> | undefined>;
  const key = Symbol.for("zeroscale.cli.esbuild");
  return (table[key] ??= (async () => {
    // require(), not import(): esbuild is CommonJS, and importing it would have Node lex its large
    // main file for named exports first.
    const require = createRequire(import.meta.url);
    const api = require("esbuild") as Esbuild;
    await api.transform(""); // spawns the service
    return api;
  })());
}

/** A program that failed to bundle: esbuild's first error, with its location (1-based line and column). */
export class ProgramBundleError extends Error {
  override readonly name = "TransformError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly text: string,
  ) {
    super(`${file}:${line}:${column - 1}: ERROR: ${text}`);
  }
}

const META = { url: "__zs_import_meta_url", dirname: "__zs_import_meta_dirname", filename: "__zs_import_meta_filename", __dirname: "__zs_dirname", __filename: "__zs_filename" } as const;
const LOADERS: Readonly<Record<string, Loader>> = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx" };
const BUILTINS = new Set(builtinModules);

/**
 * Bundle and import the program at `abs` (absolute). Resolves to its module namespace (a CommonJS
 * program's `module.exports` is its `default`).
 * @throws ProgramBundleError when esbuild cannot bundle it (a syntax error, an import that does not resolve)
 * @throws whatever the program throws while it is evaluated
 */
export async function importProgram(abs: string): Promise<Record<string, unknown>> {
  const esbuild = await warmUpProgramBundler();
  const global = globalThis as unknown as Record<symbol, LibraryTable | undefined>;
  const library = (global[LIBRARY_KEY] ??= new Map());
  const dir = join(tmpdir(), `zeroscale-program-${process.pid}-${randomBytes(4).toString("hex")}`);
  const outfile = join(dir, "program.mjs");
  let text: string;
  try {
    const result = await esbuild.build({
      entryPoints: [abs],
      bundle: true,
      write: false,
      outfile,
      format: "esm",
      platform: "node",
      target: `node${process.versions.node.split(".")[0]}`,
      conditions: [], // Node's conditions (node, import/require, default), without esbuild's "module"
      sourcemap: "inline",
      sourcesContent: false,
      keepNames: true, // class names in messages and stacks stay the program's own
      logLevel: "silent",
      define: { "import.meta.url": META.url, "import.meta.dirname": META.dirname, "import.meta.filename": META.filename, __dirname: META.__dirname, __filename: META.__filename },
      banner: { js: `import { createRequire as __zsCreateRequire } from "node:module"; const require = __zsCreateRequire(${JSON.stringify(pathToFileURL(abs).href)});` },
      plugins: [libraryPlugin(library), externalsPlugin(), sourceFilePlugin()],
    });
    text = (result.outputFiles[0] as { text: string }).text;
  } catch (e) {
    throw bundleError(e);
  }
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(outfile, text);
    return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `zeroscale` and its subpaths: virtual modules re-exporting the CLI's loaded copy. Other subpaths (zeroscale/testing/vitest, ...) resolve as packages. */
function libraryPlugin(library: LibraryTable): Plugin {
  return {
    name: "zeroscale-library",
    setup(build) {
      build.onResolve({ filter: /^zeroscale(?:\/.*)?$/ }, (args) => {
        const sub = args.path === "zeroscale" ? "." : `.${args.path.slice("zeroscale".length)}`;
        return sub in LIBRARY ? { path: sub, namespace: "zeroscale-library" } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: "zeroscale-library" }, async (args) => {
        let ns = library.get(args.path);
        if (!ns) {
          ns = await (LIBRARY[args.path] as () => Promise<Record<string, unknown>>)();
          library.set(args.path, ns);
        }
        const names = Object.keys(ns).filter((n) => n !== "default" && /^[A-Za-z_$][\w$]*$/.test(n));
        const lines = [`const m = globalThis[Symbol.for("zeroscale.cli.library")].get(${JSON.stringify(args.path)});`, `export const { ${names.join(", ")} } = m;`];
        if ("default" in ns) lines.push("export default m.default;");
        return { contents: lines.join("\n"), loader: "js" };
      });
    },
  };
}

/** Packages stay external: imported from the file Node's resolution finds (a file URL; a path for require()). */
function externalsPlugin(): Plugin {
  const inner = Symbol("resolving");
  return {
    name: "zeroscale-externals",
    setup(build) {
      // A file URL (`import ... from "file:///.../x.js"`, as Node allows) names a file like a path does: bundle it as one.
      build.onResolve({ filter: /^file:/ }, (args) => ({ path: fileURLToPath(args.path) }));
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === inner || args.path.startsWith("node:") || BUILTINS.has(args.path.split("/")[0] as string)) return undefined;
        if (/^[A-Za-z]:[\\/]/.test(args.path)) return undefined; // a Windows absolute path
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: inner });
        if (found.errors.length > 0) return { errors: found.errors };
        if (found.external || found.namespace !== "file") return { path: found.path, external: true };
        return { path: args.kind === "require-call" || args.kind === "require-resolve" ? found.path : pathToFileURL(found.path).href, external: true };
      });
    },
  };
}

/** Each source file gets its own `import.meta.url`, `__dirname`, ... (only the files that use them: no column shift elsewhere). */
function sourceFilePlugin(): Plugin {
  return {
    name: "zeroscale-source-file",
    setup(build) {
      build.onLoad({ filter: /\.(?:[cm]?[jt]s|[jt]sx)$/ }, (args) => {
        const loader = LOADERS[extname(args.path)];
        if (!loader) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!/import\.meta|__dirname|__filename/.test(source)) return { contents: source, loader };
        const url = pathToFileURL(args.path).href;
        const values = { [META.url]: url, [META.dirname]: dirname(args.path), [META.filename]: args.path, [META.__dirname]: dirname(args.path), [META.__filename]: args.path };
        const prefix = `var ${Object.entries(values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ")};`;
        // On the first line (after a hashbang), so every other line keeps its number.
        const hashbang = /^#![^\n]*\n/.exec(source)?.[0] ?? "";
        return { contents: hashbang + prefix + source.slice(hashbang.length), loader };
      });
    },
  };
}

/** esbuild's failure as a ProgramBundleError (its first error with a location), else as it came. */
function bundleError(e: unknown): unknown {
  const errors = (e as Partial<BuildFailure>)?.errors;
  if (!Array.isArray(errors)) return e;
  const first = errors.find((m: Message) => m.location) ?? errors[0];
  if (!first?.location) return e;
  const { file, line, column } = first.location;
  return new ProgramBundleError(file, line, column + 1, first.text);
}
