import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { detectFormat, type HandlerFormat } from "../runner/format.js";

/** The zeroscale package root (the folder of its package.json). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "zeroscale") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the zeroscale package root");
    dir = up;
  }
}

/**
 * The runner's files as images and the Docker driver ship them: the name in /zeroscale/runner ->
 * its path in the built package. events.js is the self-contained event parser (lib/events/parse.ts)
 * that serve.js imports; docker/gateway.Dockerfile copies the same three.
 */
export const RUNNER_FILES = {
  "serve.js": "dist/runtime/runner/serve.js",
  "format.js": "dist/runtime/runner/format.js",
  "events.js": "dist/lib/events/parse.js",
} as const;

/** The compiled runner (dist/runtime/runner/serve.js); built by `npm run build`. */
export function runnerPath(): string {
  const sibling = fileURLToPath(new URL("../runner/serve.js", import.meta.url));
  if (existsSync(sibling)) return sibling;
  const built = join(packageRoot(), "dist/runtime/runner/serve.js");
  if (existsSync(built)) return built;
  throw new Error("the zeroscale runner is not built: run `npm run build`");
}

/**
 * "module" or "commonjs": how the runner loads the handler at `file`, by Node's rules (extension,
 * nearest package.json "type", else its syntax; runtime/runner/format.ts). Every driver passes it
 * as ZEROSCALE_HANDLER_FORMAT; the Docker driver also mounts a package.json of that type.
 */
export function moduleType(file: string): HandlerFormat {
  return detectFormat(file).format;
}
