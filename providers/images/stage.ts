// Lay out a function's build context in a folder of zeroscale's own, so `zeroscale build` (dockerode)
// and deploy() (@pulumi/docker's Image) send the engine exactly the same files, which inputsTag
// hashes: a code function's context is the runner (from this package's build) in zeroscale/runner/,
// the code folder in code/ and the generated Dockerfile; a build function's is a copy of its context
// (without node_modules and .git: its Dockerfile installs its dependencies, as the Docker driver does).
import { cpSync, existsSync, lstatSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { packageRoot, RUNNER_FILES } from "../../runtime/drivers/paths.js";
import { codeDockerfile, type ImageBuild } from "./spec.js";

/** Where a build's context and Dockerfile are. */
export interface StagedBuild {
  /** The build context (absolute): a folder under the stage root. */
  readonly context: string;
  /** The Dockerfile (absolute, inside the context). */
  readonly dockerfile: string;
  readonly args: Readonly<Record<string, string>>;
  /** Folder names left out of the context at any depth when it is sent (already left out by staging: none). */
  readonly skip: readonly string[];
}

/** A build input that is missing or unusable (the function, its prop and the path). */
export class StageError extends Error {
  constructor(
    readonly fn: string,
    readonly prop: string,
    message: string,
  ) {
    super(message);
    this.name = "StageError";
  }
}

/** Folder names never copied into a context: VCS data; a build function's dependencies (its Dockerfile installs them). */
const SKIP_ALWAYS = new Set([".git", ".DS_Store"]);
const SKIP_BUILD = new Set([...SKIP_ALWAYS, "node_modules"]);
/** The file that marks a staging folder as zeroscale's (only such folders are ever replaced). */
const MARKER = ".zeroscale-stage";

/** The first problem with a build's inputs (relative to `baseDir`), or undefined: checked before anything is built. */
export function buildInputProblem(build: ImageBuild, baseDir: string): StageError | undefined {
  const src = build.source;
  const dir = resolve(baseDir, src.type === "code" ? src.path : src.context);
  const prop = src.type === "code" ? "code.path" : "build.context";
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return new StageError(build.fn, prop, `${build.fn}: ${prop} ${src.type === "code" ? src.path : src.context} is not a folder (${dir})`);
  if (src.type === "code") {
    if (!existsSync(join(dir, src.file))) return new StageError(build.fn, "code.handler", `${build.fn}: code.path ${src.path} has no ${src.file} (${join(dir, src.file)})`);
    return undefined;
  }
  const dockerfile = resolve(dir, src.dockerfile);
  const rel = relative(dir, dockerfile);
  if (rel.startsWith("..") || isAbsolute(rel)) return new StageError(build.fn, "build.dockerfile", `${build.fn}: build.dockerfile ${src.dockerfile} is outside build.context ${src.context}; put it inside the context`);
  if (!existsSync(dockerfile)) return new StageError(build.fn, "build.dockerfile", `${build.fn}: build.dockerfile ${src.dockerfile} does not exist in ${dir}`);
  return undefined;
}

/**
 * The stage root of this user: `<tmpdir>/zeroscale-builds-<uid>/<name>`, mode 0700, refused when it is a
 * symlink or another user's. Stable across runs (Pulumi diffs an Image's context by path and content).
 */
export function userStageRoot(name: string): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  const root = join(tmpdir(), `zeroscale-builds-${uid ?? "user"}`);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const st = lstatSync(root);
  if (st.isSymbolicLink() || !st.isDirectory() || (uid !== null && st.uid !== uid)) {
    throw new Error(`refusing to stage image builds in ${root}: it is ${st.isSymbolicLink() ? "a symlink" : uid !== null && st.uid !== uid ? "another user's" : "not a folder"}; remove it or set TMPDIR`);
  }
  return join(root, name);
}

/**
 * Stage `build` (inputs relative to `baseDir`) in a folder under `stageRoot`, one per function. That
 * folder is replaced on each call only when it carries zeroscale's marker (else the call fails: a
 * folder zeroscale did not make is never deleted). Symlinks are copied as what they point to, so the
 * image and its tag do not depend on where the checkout lives.
 */
export function stageBuild(build: ImageBuild, baseDir: string, stageRoot: string): StagedBuild {
  const problem = buildInputProblem(build, baseDir);
  if (problem) throw problem;
  const dir = join(stageRoot, build.fn.split("/").join("-"));
  if (existsSync(dir) || isLink(dir)) {
    if (isLink(dir) || !existsSync(join(dir, MARKER))) throw new Error(`refusing to replace ${dir}: zeroscale did not make it (no ${MARKER}); remove it or stage elsewhere`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), "a zeroscale image build context; replaced on each build\n");
  const src = build.source;
  const copy = (from: string, to: string, skip: ReadonlySet<string>) =>
    cpSync(from, to, { recursive: true, dereference: true, filter: (s) => s === from || !skip.has(basename(s)) });
  if (src.type === "build") {
    const context = join(dir, "context");
    copy(resolve(baseDir, src.context), context, SKIP_BUILD);
    return { context, dockerfile: resolve(context, src.dockerfile), args: src.args, skip: [] };
  }
  const root = packageRoot();
  const runner = Object.entries(RUNNER_FILES).map(([name, f]) => [name, join(root, f)] as const);
  for (const [, f] of runner) if (!existsSync(f)) throw new Error(`the zeroscale runner is not built (${f} is missing): run npm run build in ${root}`);
  const context = join(dir, "context");
  mkdirSync(join(context, "zeroscale/runner"), { recursive: true });
  for (const [name, f] of runner) cpSync(f, join(context, "zeroscale/runner", name));
  cpSync(join(root, "docker/runner-package.json"), join(context, "zeroscale/runner/package.json"));
  copy(resolve(baseDir, src.path), join(context, "code"), SKIP_ALWAYS);
  const dockerfile = join(context, "Dockerfile");
  writeFileSync(dockerfile, codeDockerfile(src));
  return { context, dockerfile, args: {}, skip: [] };
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
