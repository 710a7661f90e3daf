import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Node } from "constructs";
import { App } from "../lib/app.js";
import type { DeploymentGraph, FunctionNode } from "../lib/graph/types.js";
import { type SynthOptions, synth } from "../lib/synth.js";
import { type Diagnostic, ValidationError } from "../lib/validation/diagnostic.js";
import { didYouMean } from "../lib/validation/shape.js";
import { importProgram } from "./bundle-program.js";

/** A CLI failure with a message meant for the user (no stack trace unless --verbose). */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** A place in the user's program: an absolute file, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Thrown by {@link loadApp} for anything the user's program raised while it was imported or while
 * its App was built (an exported function that returns the App): a missing import, a throw in their
 * own code, a duplicate construct id. The CLI exits 3 on it.
 *
 * `message` reads `<file>:<line>:<column>: <ErrorName>: <what it said> (while building <path>)`,
 * with the file relative to the working directory; the parts are also separate fields.
 */
export class UserProgramError extends Error {
  override readonly name = "UserProgramError";
  /** The CLI's exit code for a failure in the user's program. */
  readonly exitCode = 3;
  /**
   * @param program absolute path of the program file
   * @param phase "import": the module threw while it was evaluated; "build": the exported function that makes the App threw
   * @param cause what the program threw (the original Error, with its stack)
   * @param location the first stack frame in the program's file (else its folder), outside node_modules and zeroscale itself; the bundle keeps source maps, so it is the .ts line
   * @param constructPath the construct being created when it threw, when that is known (a duplicate id, or a throw inside a construct's constructor)
   * @param sourceLine the program's line at `location`, for a caret display
   */
  constructor(
    readonly program: string,
    readonly phase: "import" | "build",
    override readonly cause: unknown,
    readonly location: SourceLocation | undefined,
    readonly constructPath: string | undefined,
    readonly sourceLine: string | undefined,
  ) {
    const what = cause instanceof Error ? (transformError(cause)?.what ?? `${cause.name}: ${cause.message}`) : `threw ${String(cause)}`;
    const where = location ? `${shownFile(location.file)}:${location.line}:${location.column}` : shownFile(program);
    super(`${where}: ${what}${constructPath ? ` (while building ${constructPath})` : ""}`);
  }

  /** The message plus the source line with a caret under the column (for terminals). */
  describe(): string {
    if (!this.location || this.sourceLine === undefined) return this.message;
    const gutter = `${this.location.line} | `;
    return `${this.message}\n  ${gutter}${this.sourceLine}\n  ${" ".repeat(gutter.length + this.location.column - 1)}^`;
  }
}

function shownFile(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith("..") ? rel : abs;
}

/**
 * Load a zeroscale program (TypeScript or JavaScript, bundled in memory by esbuild with its
 * `zeroscale` imports bound to the CLI's own copy: cli/bundle-program.ts) and return its App: the
 * default export, or an export named `app`; either may also be a function that returns the App.
 *
 * @throws CliError when the file is missing or exports no App (exit 2)
 * @throws UserProgramError when the program throws while it is imported or builds its App (exit 3)
 */
export async function loadApp(file: string): Promise<{ app: App; file: string; baseDir: string }> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new CliError(`no such program: ${file}`);
  let mod: Record<string, unknown>;
  // Stack frames of the program's .ts code point at its own lines (the bundle has an inline source map).
  process.setSourceMapsEnabled(true);
  const tracker = trackConstructs();
  try {
    try {
      mod = await importProgram(abs);
    } catch (e) {
      throw userProgramError(abs, "import", e, tracker);
    }
    // A CommonJS program (module.exports / exports.app, bundled by esbuild) arrives as
    // { default: module.exports }: look inside it too.
    const inner = mod["default"];
    const cjs = typeof inner === "object" && inner !== null && !App.isApp(inner) ? (inner as Record<string, unknown>) : {};
    for (const candidateOf of [() => mod["default"], () => mod["app"], () => cjs["default"], () => cjs["app"]]) {
      let candidate = candidateOf();
      if (typeof candidate === "function" && !App.isApp(candidate)) {
        try {
          candidate = await (candidate as () => unknown)();
        } catch (e) {
          throw userProgramError(abs, "build", e, tracker);
        }
      }
      if (App.isApp(candidate)) return { app: candidate, file: abs, baseDir: dirname(abs) };
    }
  } finally {
    tracker.stop();
  }
  const exported = Object.keys(mod).join(", ") || "nothing";
  throw new CliError(`${file} exports no App: export it as the default export or as \`app\` (it exports ${exported})`);
}

/**
 * Synthesize a loaded program the way the CLI does: `synth(app, { baseDir })` (so code.path folders
 * and handler files are checked against the program's folder: ZS-FN-CODE-MISSING), then
 * {@link checkHandlerExports} (ZS-FN-CODE-EXPORT).
 *
 * @throws ValidationError with every error (synth's, or else the export check's)
 */
export async function synthProgram(loaded: { app: App; baseDir: string }, options: Omit<SynthOptions, "baseDir"> = {}): Promise<DeploymentGraph> {
  const graph = synth(loaded.app, { ...options, baseDir: loaded.baseDir });
  const errors = await checkHandlerExports(graph, loaded.baseDir);
  if (errors.length > 0) throw new ValidationError(errors, graph.warnings);
  return graph;
}

/**
 * ZS-FN-CODE-EXPORT: each code function's handler file exports the named handler. The file is read
 * and its exports found by a lexer (es-module-lexer for ES modules, cjs-module-lexer for CommonJS),
 * never run: importing a handler would run its top-level code (connections, env reads) at synth
 * time. A file whose exports cannot be known statically (`export * from`, CommonJS re-exports) or
 * cannot be read passes (synth reports a missing file as ZS-FN-CODE-MISSING).
 */
export async function checkHandlerExports(graph: DeploymentGraph, baseDir: string): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const n of graph.nodes) {
    if (n.kind !== "function" || n.source.type !== "code") continue;
    const file = join(resolve(baseDir, n.source.path), n.source.file);
    const names = await exportsOf(file);
    if (!names || names.includes(n.source.export)) continue;
    out.push(exportDiagnostic(n, names));
  }
  return out;
}

function exportDiagnostic(n: FunctionNode, names: readonly string[]): Diagnostic {
  const src = n.source as Extract<FunctionNode["source"], { type: "code" }>;
  const handler = src.export === "default" ? src.file : `${src.file}#${src.export}`;
  const has = names.length > 0 ? `it exports ${names.join(", ")}` : "it exports nothing";
  const problem = src.export === "default" ? `names ${src.file}, which has no default export (${has})` : `names the export ${src.export}, which ${src.file} does not have (${has})`;
  const guess = src.export === "default" ? undefined : didYouMean(src.export, names.filter((x) => x !== "default"));
  const fix =
    src.export === "default"
      ? `add \`export default\` to ${src.file}, or name an export: "${src.file}#<export>"`
      : `${guess ? `did you mean "${src.file}#${guess}"? Otherwise e` : "e"}xport it (\`export async function ${src.export}(request) { ... }\`), or name one the file has`;
  return { severity: "error", code: "ZS-FN-CODE-EXPORT", path: n.id, prop: "code.handler", value: handler, problem, fix };
}

/** The export names of a JavaScript file, or undefined when they cannot be known without running it. */
async function exportsOf(file: string): Promise<string[] | undefined> {
  let source: string;
  try {
    if (!statSync(file).isFile()) return undefined;
    source = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const esm = await import("es-module-lexer");
  await esm.init;
  let parsed: ReturnType<typeof esm.parse>;
  try {
    parsed = esm.parse(source, file);
  } catch {
    return undefined; // a syntax error: the runner reports it when it loads the file
  }
  const [imports, exports, , hasModuleSyntax] = parsed;
  if (hasModuleSyntax && !file.endsWith(".cjs")) {
    if (imports.some((i) => /^export\s*\*/.test(source.slice(i.ss, i.se)))) return undefined;
    return exports.map((e) => e.n).sort();
  }
  const cjs = (await import("cjs-module-lexer")) as typeof import("cjs-module-lexer");
  await cjs.init();
  try {
    const { exports: names, reexports } = cjs.parse(source);
    if (reexports.length > 0) return undefined;
    return [...new Set(["default", ...names])].sort(); // module.exports is always the default export
  } catch {
    return undefined;
  }
}

/** Watches construct creation while a program loads, to name the construct being built when it throws. */
interface ConstructTracker {
  /** The path of the construct added last, and of one whose addition failed (a duplicate id). */
  readonly last: () => { added?: string; failed?: string };
  readonly stop: () => void;
}

/**
 * Wrap constructs' `Node.prototype.addChild` (one copy of the constructs package is shared by the CLI
 * and the programs it loads) while a program loads; restored afterwards.
 */
function trackConstructs(): ConstructTracker {
  const proto = Node.prototype as unknown as { addChild?: (child: unknown, childName: string) => void };
  const original = proto.addChild;
  const state: { added?: string; failed?: string } = {};
  if (typeof original !== "function") return { last: () => state, stop: () => {} };
  proto.addChild = function (this: Node, child: unknown, childName: string) {
    const path = this.path ? `${this.path}/${childName}` : childName;
    try {
      original.call(this, child, childName);
    } catch (e) {
      state.failed = path;
      throw e;
    }
    state.added = path;
  };
  return {
    last: () => state,
    stop: () => {
      proto.addChild = original;
    },
  };
}

const OWN_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
const OWN_DIRS = ["lib", "cli", "runtime", "providers", "dist"].map((d) => join(OWN_ROOT, d) + sep);

function packageRoot(from: string): string {
  let dir = from;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "zeroscale") return dir;
    } catch {
      // keep looking
    }
    const up = dirname(dir);
    if (up === dir) return resolve(from, "..");
    dir = up;
  }
}

function userProgramError(program: string, phase: "import" | "build", e: unknown, tracker: ConstructTracker): UserProgramError {
  const location = userFrame(program, e);
  const { added, failed } = tracker.last();
  // A throw inside a constructor (a frame "at new X") came from the construct added last.
  const inConstructor = e instanceof Error && typeof e.stack === "string" && /^\s*at new /m.test(e.stack);
  const constructPath = failed ?? (inConstructor ? added : undefined);
  let sourceLine: string | undefined;
  if (location) {
    try {
      sourceLine = readFileSync(location.file, "utf8").split(/\r?\n/)[location.line - 1];
    } catch {
      sourceLine = undefined;
    }
  }
  return new UserProgramError(program, phase, e, location, constructPath, sourceLine);
}

/** esbuild's failure (a syntax error, an import that does not resolve): its first location, 1-based, and its text. */
function transformError(e: Error): { location: SourceLocation; what: string } | undefined {
  if (e.name !== "TransformError") return undefined;
  const m = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(e.message);
  if (!m) return undefined;
  const text = m[4] as string;
  return { location: { file: resolve(m[1] as string), line: Number(m[2]), column: Number(m[3]) + 1 }, what: `${text.startsWith("Could not resolve") ? "Error" : "SyntaxError"}: ${text}` };
}

const FRAME = /\(?((?:file:\/\/)?(?:[A-Za-z]:)?[^():\s][^():]*):(\d+):(\d+)\)?\s*$/;

/**
 * The user's frame of an error: the first stack frame in the program's file, else the first in its
 * folder that is neither in node_modules nor zeroscale's own code. Also reads esbuild's syntax
 * errors (the program's bundle failing), which name a location in their message instead of a frame.
 */
export function userFrame(program: string, e: unknown): SourceLocation | undefined {
  const folder = dirname(program) + sep;
  const syntax = e instanceof Error ? transformError(e) : undefined;
  if (syntax) return syntax.location;
  const stack = e instanceof Error && typeof e.stack === "string" ? e.stack : "";
  const frames: SourceLocation[] = [];
  for (const line of stack.split("\n")) {
    if (!/^\s*at /.test(line)) continue;
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[1] as string;
    if (file.startsWith("file://")) {
      try {
        file = fileURLToPath(file.replace(/\?.*$/, ""));
      } catch {
        continue;
      }
    }
    frames.push({ file, line: Number(m[2]), column: Number(m[3]) });
  }
  const inProgram = frames.find((f) => f.file === program);
  if (inProgram) return inProgram;
  return frames.find((f) => f.file.startsWith(folder) && !f.file.includes(`${sep}node_modules${sep}`) && !OWN_DIRS.some((d) => f.file.startsWith(d)));
}
