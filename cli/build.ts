// `zeroscale build <program> --registry <r>`: build every code and build function's image with the
// local Docker engine, push it, and write the image map (providers/images/image-map.ts) that
// `zeroscale synth --images <file>` pins the manifests with. The engine code loads only when the
// command runs (providers/images/engine-build.ts).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type Command, Option } from "commander";
import type { DeploymentGraph, FunctionNode } from "../lib/graph/types.js";
import { ENV_NAME } from "../lib/validation/patterns.js";
import { DEFAULT_IMAGE_MAP_FILE, IMAGE_MAP_VERSION, type ImageMap, imageMapJson, isRegistry } from "../providers/images/image-map.js";
import { DEFAULT_CODE_BASE_IMAGE, type ImageBuild } from "../providers/images/spec.js";
import { EXIT } from "./exit-codes.js";
import { flagError } from "./flags.js";
import { CliError } from "./load.js";
import { shownPath } from "./out-dir.js";
import type { Output } from "./output.js";

/** The options of `zeroscale build`, as commander parses them. */
export interface BuildOptions {
  readonly registry: string;
  readonly baseImage: string;
  readonly buildArg?: Readonly<Record<string, string>>;
  readonly output: string;
  readonly rebuild?: boolean;
  readonly json?: boolean;
}

/** What the command needs from the CLI around it. */
export interface BuildContext {
  readonly io: Output;
  /** Load and synthesize the program the way synth does (its failures carry synth's exit codes). */
  readonly loadGraph: (program: string) => Promise<DeploymentGraph>;
}

const COMMAND = "build";

/** Define `zeroscale build` on `cmd` (made by `cli.command("build")`, so it inherits the CLI's settings). */
export function defineBuildCommand(cmd: Command, ctx: BuildContext): Command {
  return cmd
    .description(`build and push the image of every code and build function with the local Docker engine, and write the image map (default ${DEFAULT_IMAGE_MAP_FILE}) that synth --images pins the manifests with`)
    .argument("<app>", "the program (.ts or .js) exporting the App")
    .addOption(new Option("--registry <host[:port]/path>", "where to push: each function's image is <registry>/<app>-<function>, e.g. 127.0.0.1:5000/zs or ghcr.io/acme").argParser(registryFlag).makeOptionMandatory())
    .option("--base-image <image>", "the image code functions are built FROM (node 20 on PATH)", DEFAULT_CODE_BASE_IMAGE)
    .addOption(new Option("--build-arg <KEY=VALUE>", "a build arg for build functions' Dockerfiles, over their own args; repeat it for more").argParser(buildArgFlag))
    .option("-o, --output <file>", "the image map to write (replaced atomically; a file that is not a zeroscale image map is refused)", DEFAULT_IMAGE_MAP_FILE)
    .option("--rebuild", "build (without the engine's cache) and push even when the registry already holds an image of the same inputs, e.g. to pick up a base image tag that moved")
    .option("--json", "print one JSON document (the map written, and what was built) on stdout; progress is not printed")
    .action(async (program: string, opts: BuildOptions) => {
      await build(program, opts, ctx);
    });
}

function registryFlag(value: string): string {
  const registry = value.replace(/\/+$/, "");
  const host = registry.split("/")[0] as string;
  if (!isRegistry(registry)) throw flagError(COMMAND, "--registry", value, 'is not a registry: "host[:port]" or "host[:port]/path", lowercase path components', "use e.g. --registry 127.0.0.1:5000/zs or --registry ghcr.io/acme");
  if (!(host.includes(".") || host.includes(":") || host === "localhost")) {
    throw flagError(COMMAND, "--registry", value, `starts with "${host}", which the engine would read as a Docker Hub path, not a registry host`, `name the registry host first, e.g. --registry docker.io/${registry} or --registry 127.0.0.1:5000/${registry}`);
  }
  return registry;
}

function buildArgFlag(value: string, previous: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const eq = value.indexOf("=");
  const key = eq < 0 ? value : value.slice(0, eq);
  if (eq < 0 || !ENV_NAME.test(key)) throw flagError(COMMAND, "--build-arg", value, "is not KEY=VALUE with KEY a name of letters, digits and _", "use e.g. --build-arg BASE_IMAGE=node:20-bookworm-slim");
  return { ...previous, [key]: value.slice(eq + 1) };
}

/** Whether `text` is an image map zeroscale wrote (any app): a JSON object with "version": 1 and "images". */
function isOwnImageMap(text: string): boolean {
  try {
    const data = JSON.parse(text) as unknown;
    if (typeof data !== "object" || data === null || Array.isArray(data)) return false;
    const keys = Object.keys(data).sort().join(",");
    const { version, app, registry, images } = data as { version?: unknown; app?: unknown; registry?: unknown; images?: unknown };
    return keys === "app,images,registry,version" && version === IMAGE_MAP_VERSION && typeof app === "string" && typeof registry === "string" && typeof images === "object" && images !== null && !Array.isArray(images) && Object.values(images).every((v) => typeof v === "string");
  } catch {
    return false;
  }
}

/** Refuse an output that zeroscale did not write (exit 2): a folder, or a file that is not an image map. */
function checkOutput(file: string, shown: string): void {
  if (!existsSync(file)) return;
  const refuse = (problem: string) => flagError(COMMAND, "--output", shown, problem, `pick another file, e.g. --output ${DEFAULT_IMAGE_MAP_FILE}, or move it away; zeroscale replaces only image maps it wrote`, "ZS-CLI-OUT-NOT-OWNED");
  if (!statSync(file).isFile()) throw refuse("is not a file");
  if (!isOwnImageMap(readFileSync(file, "utf8"))) throw refuse(`is a file zeroscale did not write (not an image map: exactly "version": ${IMAGE_MAP_VERSION}, "app", "registry" and "images")`);
}

/** Write the map atomically: a temp file next to it, then rename (a reader never sees half a map). */
function writeMap(file: string, shown: string, map: ImageMap): void {
  checkOutput(file, shown); // again: it may have appeared while the images built
  let tmp: string | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // A fresh name, created exclusively ("wx"): never a file someone else has, so removing it on failure removes only ours.
    const name = `${file}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
    writeFileSync(name, imageMapJson(map), { flag: "wx" });
    tmp = name;
    renameSync(tmp, file);
    tmp = undefined;
  } catch (e) {
    if (tmp !== undefined) unlinkSync(tmp);
    throw new CliError(`cannot write the image map ${shown}: ${(e as Error).message}`);
  }
}

/** Run `zeroscale build`: returns the map written. */
export async function build(program: string, opts: BuildOptions, ctx: BuildContext): Promise<ImageMap> {
  const { io } = ctx;
  const registry = opts.registry;
  const output = resolve(opts.output);
  const shown = shownPath(output);
  checkOutput(output, shown); // before anything is built
  const graph = await ctx.loadGraph(program);
  const baseDir = dirname(resolve(program)); // code.path and build.context are relative to the program's folder, as for synth and dev
  const { imageBuildOf } = await import("../providers/images/spec.js");
  const functions = graph.nodes.filter((n): n is FunctionNode => n.kind === "function");
  const builds = functions.flatMap((fn) => imageBuildOf(fn, registry, opts.baseImage) ?? []);
  if (builds.length === 0) {
    const what = functions.length === 0 ? "no functions" : functions.length === 1 ? "one function, which names an `image`" : `${functions.length} functions, each naming an \`image\``;
    throw new CliError(`${program}: app ${graph.app.name} has no function with \`code\` or \`build\` (it has ${what}): there is nothing to build; synth uses \`image\` references as they are`, EXIT.usage);
  }
  const [{ default: Docker }, engine, { buildInputProblem, stageBuild, StageError }, { IMAGE_REF }] = await Promise.all([
    import("dockerode"),
    import("../providers/images/engine-build.js"),
    import("../providers/images/stage.js"),
    import("../lib/validation/patterns.js"),
  ]);
  // Every input is checked before the engine is asked anything (the same check staging makes).
  const problems = builds.flatMap((b) => buildInputProblem(b, baseDir) ?? []);
  if (problems.length > 0) throw new CliError(problems.map((p) => p.message).join("\n"), EXIT.validation);
  if (!IMAGE_REF.test(opts.baseImage)) throw flagError(COMMAND, "--base-image", opts.baseImage, "is not an image reference ([registry/]repository[:tag][@digest])", "use e.g. --base-image node:20-bookworm-slim");
  for (const b of builds) {
    if (!IMAGE_REF.test(`${b.repository}:latest`)) throw new CliError(`${b.fn}: its image would be ${b.repository}, which is not a valid image name (lowercase letters, digits, ".", "_" and "-")`, EXIT.validation);
  }
  const docker = new Docker();
  const progress = opts.json ? () => undefined : (line: string) => io.err(line);
  const auth = engine.registryAuthFromEnv(registry);
  const fail = (e: unknown): never => {
    if (e instanceof engine.EngineUnreachableError) throw new CliError(e.message, EXIT.usage);
    if (e instanceof engine.RegistryUnreachableError) throw new CliError(`the registry ${engine.registryHost(registry)} is not reachable from the Docker engine: ${e.message}; start it, or check --registry`, EXIT.usage);
    if (e instanceof engine.ImageBuildError) throw new CliError(`${e.message}${e.log.length ? `\n  ${e.log.join("\n  ")}` : ""}`, EXIT.userProgram);
    if (e instanceof engine.ImagePushError) throw new CliError(e.message, EXIT.usage);
    throw e;
  };
  try {
    await engine.checkEngine(docker);
    // Ask the registry once before building anything, so an unreachable one fails in a second, not after the builds.
    await engine.registryDigest(docker, `${(builds[0] as ImageBuild).repository}:zeroscale-probe`, auth);
  } catch (e) {
    fail(e);
  }

  const started = performance.now();
  const stageRoot = mkdtempSync(join(tmpdir(), "zeroscale-build-"));
  const built: Awaited<ReturnType<typeof engine.buildAndPush>>[] = [];
  try {
    for (const b of builds) {
      let staged: ReturnType<typeof stageBuild>;
      try {
        staged = stageBuild(b, baseDir, stageRoot);
      } catch (e) {
        throw e instanceof StageError ? new CliError(e.message, EXIT.validation) : e;
      }
      // A build function gets its own args with --build-arg over them; a code function's generated Dockerfile takes none (--base-image sets its FROM).
      const args = b.source.type === "build" ? { ...staged.args, ...opts.buildArg } : staged.args;
      const image = await engine.buildAndPush(docker, b, { ...staged, args }, { auth, rebuild: opts.rebuild === true, labels: { "zeroscale.dev/image-of": b.fn }, progress }).catch(fail);
      if (!image.pushed) progress(`${b.fn}: unchanged, the registry has ${image.ref} already`);
      else progress(`${b.fn}: built in ${(image.buildMs / 1000).toFixed(1)}s, pushed in ${(image.pushMs / 1000).toFixed(1)}s`);
      built.push(image);
    }
  } finally {
    rmSync(stageRoot, { recursive: true, force: true });
  }

  const map: ImageMap = { version: IMAGE_MAP_VERSION, app: graph.app.name, registry, images: Object.fromEntries(built.map((i) => [i.fn, i.pinned])) };
  writeMap(output, shown, map);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (opts.json) {
    io.document({
      command: COMMAND,
      ok: true,
      exitCode: EXIT.ok,
      app: map.app,
      output: shown,
      map,
      pushed: built.filter((i) => i.pushed).map((i) => i.fn),
      unchanged: built.filter((i) => !i.pushed).map((i) => i.fn),
      diagnostics: [],
      error: null,
    });
    return map;
  }
  const width = Math.max(...built.map((i) => i.fn.length));
  for (const i of built) io.out(`${i.fn.padEnd(width)}  ${i.pinned}`);
  const pushed = built.filter((i) => i.pushed).length;
  io.out(`wrote ${shown} (${built.length} image${built.length === 1 ? "" : "s"}: ${pushed} pushed, ${built.length - pushed} unchanged, ${seconds}s)`);
  io.out(`next: zeroscale synth ${program} --backend knative --images ${shown}`);
  return map;
}
