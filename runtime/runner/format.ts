/**
 * How a handler module is read: ES module or CommonJS, decided once by Node's own rules so every
 * runtime (process, Docker, the images built for `code` functions) runs a handler the same way.
 * Self-contained (node: built-ins only): it is copied next to the runner into containers and images.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { compileFunction } from "node:vm";

/** "module" (ESM) or "commonjs". */
export type HandlerFormat = "module" | "commonjs";

/** A handler's format and the rule that decided it (for error messages). */
export interface DetectedFormat {
  readonly format: HandlerFormat;
  /** e.g. `the .mjs extension`, `"type": "module" in /x/package.json`, `its ESM syntax (no "type" in /x/package.json)`. */
  readonly why: string;
  /** The package.json whose "type" decided it (or that has none), if any. */
  readonly packageJson?: string;
}

/**
 * Node's rules, in order: the extension (.mjs, .cjs); the nearest package.json's "type"; with no
 * "type" (or no package.json), the file's syntax: ESM-only syntax (import/export statements,
 * import.meta, top-level await) makes it a module, anything else is CommonJS. The last rule is
 * Node's module syntax detection (on by default from Node 20.19 and 22.7), decided here explicitly.
 */
export function detectFormat(file: string): DetectedFormat {
  if (file.endsWith(".mjs")) return { format: "module", why: "its .mjs extension" };
  if (file.endsWith(".cjs")) return { format: "commonjs", why: "its .cjs extension" };
  const pkg = nearestPackageJson(file);
  if (pkg) {
    let type: unknown;
    try {
      type = (JSON.parse(readFileSync(pkg, "utf8")) as { type?: unknown }).type;
    } catch {
      type = undefined; // Node itself fails on a broken package.json; the import will say so
    }
    if (type === "module" || type === "commonjs") return { format: type, why: `"type": "${type}" in ${pkg}`, packageJson: pkg };
  }
  const where = pkg ? `no "type" in ${pkg}` : "no package.json above it";
  return hasModuleSyntax(readFileSync(file, "utf8"))
    ? { format: "module", why: `its ESM syntax (${where})`, ...(pkg ? { packageJson: pkg } : {}) }
    : { format: "commonjs", why: `its CommonJS syntax (${where})`, ...(pkg ? { packageJson: pkg } : {}) };
}

/** The nearest package.json at or above `file`'s folder. */
export function nearestPackageJson(file: string): string | undefined {
  let dir = dirname(resolve(file));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) return pkg;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The SyntaxErrors V8 gives a CommonJS parse of ESM-only syntax (the messages Node's detection matches). */
const ESM_ONLY = [
  "Cannot use import statement outside a module",
  "Unexpected token 'export'",
  "Cannot use 'import.meta' outside a module",
  "await is only valid in async functions and the top level bodies of modules",
];

/** True when `source` fails to parse as CommonJS only because of ESM-only syntax. */
export function hasModuleSyntax(source: string): boolean {
  const body = source.startsWith("#!") ? `//${source}` : source; // a hashbang is valid only at the very start
  try {
    compileFunction(body, ["exports", "require", "module", "__filename", "__dirname"]);
    return false;
  } catch (e) {
    const message = (e as Error).message ?? "";
    return e instanceof SyntaxError && ESM_ONLY.some((m) => message.includes(m));
  }
}

/** `ZEROSCALE_HANDLER_FORMAT`, checked: "module", "commonjs", or undefined when unset. */
export function formatFromEnv(value: string | undefined): HandlerFormat | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "module" || value === "commonjs") return value;
  throw new Error(`ZEROSCALE_HANDLER_FORMAT is "${value}"; it must be "module" or "commonjs"`);
}

/**
 * Why `file` cannot load as its format says, when that is visible before running it: ESM syntax in
 * a file its extension or package.json makes CommonJS (Node would fail with "Unexpected token
 * 'export'"). Undefined when there is no such conflict.
 */
export function formatConflict(file: string): string | undefined {
  const d = detectFormat(file);
  if (d.format !== "commonjs" || d.why.startsWith("its CommonJS syntax")) return undefined;
  if (!hasModuleSyntax(readFileSync(file, "utf8"))) return undefined;
  return `${file} uses ESM syntax (import/export) but is read as CommonJS because of ${d.why}; rename it .mjs, set "type": "module" in that package.json, or use module.exports`;
}
