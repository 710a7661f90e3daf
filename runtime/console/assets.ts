/**
 * The web console's files: the page (index.html, app.js, style.css beside this module) and the
 * vendored front-end libraries (uPlot, dagre), copied from node_modules into dist/runtime/console/vendor
 * by `npm run build` (copyConsole), so the package serves every asset itself (no CDN, works offline).
 * From the sources (tests, tsx) the vendored files are read from node_modules directly.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The page's own files. */
export const CONSOLE_FILES = ["index.html", "app.js", "graph.js", "charts.js", "style.css"] as const;

/** Vendored files: the name under /console/vendor/ -> its path under node_modules. */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  "uPlot.esm.js": "uplot/dist/uPlot.esm.js",
  "uPlot.min.css": "uplot/dist/uPlot.min.css",
  "uPlot.LICENSE": "uplot/LICENSE",
  "dagre.esm.js": "@dagrejs/dagre/dist/dagre.esm.js",
  "dagre.LICENSE": "@dagrejs/dagre/LICENSE",
};

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".LICENSE": "text/plain; charset=utf-8",
};

/** This module's folder, or undefined where it has none (the gateway's esbuild bundle: no import.meta.url). */
function here(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
}

/** The folder with the page's files: dist/runtime/console once built, runtime/console from the sources. */
function sourceDir(dir: string): string {
  // From dist/runtime/console, the sources are at ../../../runtime/console (the page's files are copied beside the build).
  return existsSync(join(dir, "index.html")) ? dir : resolve(dir, "../../../runtime/console");
}

/** The nearest node_modules holding `path`, walking up from `dir`. */
function fromNodeModules(dir: string, path: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, "node_modules", path);
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

/** A console file by its path under /console/ ("app.js", "vendor/uPlot.esm.js"): its bytes and content type, or undefined. */
export function consoleAsset(name: string): { body: Buffer; type: string } | undefined {
  const dir = here();
  if (dir === undefined) return undefined;
  let file: string | undefined;
  if ((CONSOLE_FILES as readonly string[]).includes(name)) file = join(sourceDir(dir), name);
  else if (name.startsWith("vendor/") && VENDOR_FILES[name.slice("vendor/".length)] !== undefined) {
    const vendored = join(dir, name);
    file = existsSync(vendored) ? vendored : fromNodeModules(dir, VENDOR_FILES[name.slice("vendor/".length)]!);
  }
  if (file === undefined || !existsSync(file)) return undefined;
  const ext = name.endsWith(".LICENSE") ? ".LICENSE" : extname(name);
  return { body: readFileSync(file), type: TYPES[ext] ?? "application/octet-stream" };
}

/** Copy the page and the vendored libraries into `outDir` (the build's dist/runtime/console). */
export function copyConsole(outDir: string, sourcesDir: string, root: string): void {
  mkdirSync(join(outDir, "vendor"), { recursive: true });
  for (const f of CONSOLE_FILES) copyFileSync(join(sourcesDir, f), join(outDir, f));
  for (const [name, path] of Object.entries(VENDOR_FILES)) {
    const from = fromNodeModules(root, path);
    if (from === undefined) throw new Error(`the console's ${name} is missing: node_modules/${path} (run npm install)`);
    copyFileSync(from, join(outDir, "vendor", name));
  }
}

// `node dist/runtime/console/assets.js --copy`: the build step (package.json "build:console").
if (process.argv[2] === "--copy" && here() !== undefined && process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = here()!;
  const root = resolve(dir, "../../..");
  copyConsole(dir, join(root, "runtime/console"), root);
}
