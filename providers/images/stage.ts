// Lay out a code function's build context: the runner (from this package's build) in
// zeroscale/runner/, the user's code folder in code/, and the generated Dockerfile. A build function
// needs none: its context and Dockerfile are the user's own.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { packageRoot } from "../../runtime/drivers/paths.js";
import { codeDockerfile, type ImageBuild } from "./spec.js";

/** Where a build's context and Dockerfile are. */
export interface StagedBuild {
  /** The build context (absolute). */
  readonly context: string;
  /** The Dockerfile (absolute). */
  readonly dockerfile: string;
  readonly args: Readonly<Record<string, string>>;
}

/** Folder names never copied from a code folder into its image. */
const SKIPPED = new Set([".git", ".DS_Store"]);

/**
 * The context of `build`: for a build function, the user's context and Dockerfile (relative to
 * `baseDir`); for a code function, a fresh folder under `stageRoot` (one per function, replaced on
 * each call; it is zeroscale's own) holding the runner, the code and the generated Dockerfile.
 */
export function stageBuild(build: ImageBuild, baseDir: string, stageRoot: string): StagedBuild {
  const src = build.source;
  if (src.type === "build") {
    const context = resolve(baseDir, src.context);
    return { context, dockerfile: resolve(context, src.dockerfile), args: src.args };
  }
  const code = resolve(baseDir, src.path);
  if (!existsSync(join(code, src.file))) throw new Error(`${build.fn}: code.path ${code} has no ${src.file}`);
  const root = packageRoot();
  const runner = ["dist/runtime/runner/serve.js", "dist/runtime/runner/format.js"].map((f) => join(root, f));
  for (const f of runner) if (!existsSync(f)) throw new Error(`the zeroscale runner is not built (${f} is missing): run npm run build in ${root}`);
  const dir = join(stageRoot, build.fn.split("/").join("-"));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "zeroscale/runner"), { recursive: true });
  for (const f of runner) cpSync(f, join(dir, "zeroscale/runner", f.split("/").pop() as string));
  cpSync(join(root, "docker/runner-package.json"), join(dir, "zeroscale/runner/package.json"));
  cpSync(code, join(dir, "code"), { recursive: true, filter: (s) => !SKIPPED.has(s.split("/").pop() as string) });
  const dockerfile = join(dir, "Dockerfile");
  writeFileSync(dockerfile, codeDockerfile(src));
  return { context: dir, dockerfile, args: {} };
}
