import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { toDot, toMermaid } from "../lib/graph/render.js";
import { summarizeGraph } from "../lib/graph/summary.js";
import type { DeploymentGraph } from "../lib/graph/types.js";
import { type Diagnostic, ValidationError } from "../lib/validation/diagnostic.js";
import { type ArtifactFile, BackendError, type Plan, type PlanView } from "../lib/backend.js";
import { imageMapTarget, unbuiltErrors } from "../providers/images/image-map.js";
import type { ImageBuild } from "../providers/images/spec.js";
import { type BackendName, backendsWithFlag, type CliBackendOptions, loadCliBackends } from "./backends.js";
import { BACKEND_NAMES } from "../providers/registry-lazy.js";
import { defineBuildCommand } from "./build.js";
import { defineReplayCommand } from "./replay-command.js";
import type { DevOptions } from "./dev.js";
import { ENGINES } from "../lib/vocabulary.js";
import { EXIT } from "./exit-codes.js";
import * as flags from "./flags.js";
import { FlagError, flagError } from "./flags.js";
import { init, ownPackage } from "./init.js";
import { CliError, loadApp, synthProgram } from "./load.js";
import { MANIFEST, shownPath, writeOutput } from "./out-dir.js";
import { type CliDiagnostic, diagnosticJson, Output, quietOnClosedStdout } from "./output.js";

/**
 * Serialize a graph as `synth` writes it (stable: same graph, same bytes): compact JSON by default,
 * indented by 2 spaces with `pretty` (`synth --pretty`, and `zeroscale graph --format json`).
 */
export function graphJson(graph: DeploymentGraph, pretty = false): string {
  return `${pretty ? JSON.stringify(graph, null, 2) : JSON.stringify(graph)}\n`;
}

/**
 * Whether a backend's plan.json is its deployable output (always written) or a summary of the plan
 * beside its manifests (written only with `synth --plan`). One entry per backend, or this does not compile.
 */
export const PLAN_IS_OUTPUT: { readonly [B in BackendName]: boolean } = {
  knative: false,
  keda: false,
  cloudrun: true, // the Cloud Scheduler jobs, service accounts and IAM bindings are only there
  aca: true, // identities, secrets by reference and builds are only there
  docker: true, // plan.json is what the Docker deploy realises (DOCKER_PLAN_SCHEMA)
  lambda: true, // plan.json is the only file Lambda's synth writes
};

/** A JSON artifact in the requested layout: compact unless `pretty` (2-space indent); the values are unchanged. */
export function jsonLayout(content: string, pretty: boolean): string {
  const value: unknown = JSON.parse(content);
  return `${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`;
}

/** The default output folder of `synth`: its own, never the package's dist/ or the project itself. */
export const DEFAULT_OUT = "zeroscale.out";

/** A failure inside the user's program (it threw while loading or building the app): exit 3. */
class ProgramFailure extends Error {
  override readonly name = "UserProgramError";
  constructor(readonly program: string, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Several backends' compile errors at once (validate/synth --backend): exit 1. */
class CompileFailure extends Error {
  override readonly name = "CompileFailure";
  constructor(readonly diagnostics: readonly CliDiagnostic[]) {
    super(`${diagnostics.length} unsupported use${diagnostics.length === 1 ? "" : "s"}`);
  }
}

/** Load the program: its import and construction run the user's code, so what they throw is exit 3. */
async function loadProgram(program: string): Promise<Awaited<ReturnType<typeof loadApp>>> {
  try {
    return await loadApp(program);
  } catch (e) {
    if (e instanceof CliError || e instanceof ValidationError || (e instanceof Error && e.name === "UserProgramError")) throw e;
    throw new ProgramFailure(program, e);
  }
}

/** Load the program and synthesize it with its folder as base: `code.path` and handler files are checked, and handler exports read. */
async function loadGraph(program: string): Promise<DeploymentGraph> {
  return synthProgram(await loadProgram(program));
}

/** The flags synth and validate pass to the backends. */
interface BackendFlags {
  readonly namespace?: string;
  readonly registry?: string;
  readonly images?: string;
  readonly project?: string;
  readonly region?: string;
  readonly resourceGroup?: string;
  readonly location?: string;
  readonly environment?: string;
}

/** The backend options of synth/validate's flags: --images is read (and checked against the program), and its registry is the default of --registry. */
function backendOptions(command: string, graph: DeploymentGraph, opts: BackendFlags): CliBackendOptions {
  const map = opts.images === undefined ? undefined : flags.readImagesFile(command, opts.images, imageMapTarget(graph));
  return { namespace: opts.namespace, registry: opts.registry ?? map?.registry, images: map?.images, project: opts.project, region: opts.region, resourceGroup: opts.resourceGroup, location: opts.location, environment: opts.environment };
}

/**
 * Compile the graph with each backend: their plans, or every backend's errors at once. A plan with
 * builds left (a registry, but no pushed digest for some build/code function) is an error too
 * (ZS-IMAGE-UNBUILT): the YAML must never name an image nobody pushed.
 */
async function compileAll(graph: DeploymentGraph, names: readonly BackendName[], options: CliBackendOptions, unbuilt: { readonly program: string; readonly imagesFile?: string | undefined }) {
  const backends = await loadCliBackends(names); // only these backends' modules (bin.ts started their imports early)
  const compiled: { name: BackendName; backend: ReturnType<NonNullable<ReturnType<typeof backends.get>>>; plan: Plan }[] = [];
  const errors: CliDiagnostic[] = [];
  const warnings: CliDiagnostic[] = [];
  for (const name of names) {
    const backend = (backends.get(name) as NonNullable<ReturnType<typeof backends.get>>)(options);
    try {
      const plan = backend.compile(graph);
      const builds = (plan as Plan & { builds?: readonly ImageBuild[] }).builds ?? [];
      if (builds.length > 0) {
        const how = { program: unbuilt.program, registry: options.registry ?? "<registry>", ...(unbuilt.imagesFile === undefined ? {} : { imagesFile: unbuilt.imagesFile }) };
        errors.push(...unbuiltErrors(builds, how).map((d) => ({ ...d, backend: name })));
        continue;
      }
      compiled.push({ name, backend, plan });
      for (const w of plan.warnings) if (!graph.warnings.includes(w)) warnings.push({ ...w, backend: name });
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      errors.push(...e.errors.map((d) => ({ ...d, backend: e.backend })));
    }
  }
  return { compiled, errors, warnings };
}

/** The state of one run, read when it fails (which command, and whether it speaks JSON). */
interface RunState {
  command: string;
  json: boolean;
  readonly io: Output;
}

/** Build the `zeroscale` command. */
export function createCli(state: RunState = { command: "", json: false, io: new Output() }): Command {
  const io = state.io;
  const cli = new Command("zeroscale")
    .description("Serverless infrastructure as code: synthesize, validate, draw and run zeroscale apps.")
    .version(ownPackage().version, "-V, --version", "print the zeroscale version")
    .option("--verbose", "print stack traces on errors")
    .option("--no-color", "no colour in the output (also: the NO_COLOR environment variable; colour is only ever used on a terminal)")
    .showSuggestionAfterError(true)
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      // With --json the failure is reported once, as the command's JSON document (runCli).
      outputError: (str, write) => (state.json ? undefined : write(str)),
    });
  cli.hook("preAction", (_root, action) => {
    state.command = action.name();
    state.json = action.opts()["json"] === true;
    io.json = state.json;
    io.setColor(cli.opts()["color"] as boolean | undefined);
  });

  const backendNames = [...BACKEND_NAMES];
  const addBackendOptions = (cmd: Command, name: string) =>
    cmd
      .addOption(new Option("-b, --backend <name>", `a backend to compile for: ${backendNames.join(", ")}; repeat it or give a comma list (--backend knative,keda)`).argParser(flags.list(name, "--backend", backendNames)))
      .option("--namespace <ns>", `Kubernetes namespace (${backendsWithFlag("namespace").join(", ")})`)
      .option("--images <file>", `image map written by \`zeroscale build\`: the pushed digest of each build/code function, which the manifests name (${backendsWithFlag("images").join(", ")})`)
      .option("--registry <registry>", `registry (host[:port]/path) of build/code functions' images, <registry>/<app>-<function>; default: the --images map's; a function with no pushed digest is an error (${backendsWithFlag("registry").join(", ")})`)
      .option("--project <id>", `Google Cloud project (${backendsWithFlag("project").join(", ")})`)
      .option("--region <region>", `cloud region (${backendsWithFlag("region").join(", ")})`)
      .option("--resource-group <name>", `Azure resource group (${backendsWithFlag("resourceGroup").join(", ")})`)
      .option("--location <location>", `Azure location (${backendsWithFlag("location").join(", ")})`)
      .option("--environment <id>", `Container Apps managed environment resource id (${backendsWithFlag("environment").join(", ")})`);

  addBackendOptions(
    cli
      .command("synth")
      .description(`synthesize an app: write graph.json and each backend's artifacts into the output folder (default ${DEFAULT_OUT}/)`)
      .argument("<app>", "the program (.ts or .js) exporting the App")
      .option("-o, --out <dir>", `output folder; zeroscale keeps a ${MANIFEST} there and refuses a non-empty folder without one`, DEFAULT_OUT)
      .option("--force", "write into a non-empty folder zeroscale did not write (it overwrites only its own files and deletes nothing)"),
    "synth",
  )
    .option("--strict", "treat warnings as errors (exit 1 listing them)")
    .option("--single-file", "write each backend's manifests to one manifests.yaml instead of one file per function")
    .option("--plan", "also write knative's and keda's plan.json (resources, owners, dependencies, effective scaling: the manifests without their bodies); the other backends' plan.json holds what no other file does and is always written")
    .option("--pretty", "indent graph.json and plan.json (2 spaces) instead of compact JSON")
    .option("--json", "print one JSON document (files written, diagnostics) on stdout")
    .action(async (program: string, opts: BackendFlags & { out: string; force?: boolean; backend?: BackendName[]; strict?: boolean; singleFile?: boolean; plan?: boolean; pretty?: boolean; json?: boolean }) => {
      const graph = await loadGraph(program);
      const outDir = resolve(opts.out);
      const shown = shownPath(outDir);
      const { compiled, errors, warnings: backendWarnings } = await compileAll(graph, opts.backend ?? [], backendOptions("synth", graph, opts), { program, imagesFile: opts.images });
      const warnings: CliDiagnostic[] = [...graph.warnings, ...backendWarnings];
      if (errors.length > 0) throw new CompileFailure([...errors, ...warnings]);
      if (opts.strict && warnings.length > 0) throw new ValidationError(warnings.map((w) => ({ ...w, severity: "error" as const })) as Diagnostic[]);
      const pretty = opts.pretty === true;
      const files: ArtifactFile[] = [{ path: "graph.json", content: graphJson(graph, pretty) }];
      const views: { name: string; view: PlanView }[] = [];
      for (const { name, backend, plan } of compiled) {
        views.push({ name, view: backend.view(plan) });
        // plan.json's content is read (and, for the Kubernetes backends, computed) only when it is written.
        let artifacts = backend
          .artifacts(plan)
          .filter((f) => f.path !== "plan.json" || PLAN_IS_OUTPUT[name] || opts.plan === true)
          .map((f) => (f.path === "plan.json" ? { path: f.path, content: jsonLayout(f.content, pretty) } : f));
        if (opts.singleFile) {
          const manifests = artifacts.filter((f) => f.path.startsWith("manifests/"));
          if (manifests.length > 0) artifacts = [{ path: "manifests.yaml", content: manifests.map((f) => f.content).join("") }, ...artifacts.filter((f) => !f.path.startsWith("manifests/"))];
        }
        for (const f of artifacts) files.push({ path: join(name, f.path), content: f.content });
      }
      const result = writeOutput(outDir, files, { force: opts.force === true, shown });
      if (state.json) {
        io.document({ command: "synth", ok: true, exitCode: EXIT.ok, app: graph.app.name, out: shown, backends: compiled.map((c) => c.name), files: result.written, removed: result.removed, kept: result.kept, diagnostics: warnings.map(diagnosticJson), error: null });
        return;
      }
      for (const w of warnings) io.err(io.diagnosticLine(w));
      io.out(summarizeGraph({ ...graph, warnings: [] }, views));
      const n = result.written.length;
      io.out(`wrote ${n} file${n === 1 ? "" : "s"} to ${shown}/`);
      for (const w of result.written.slice(0, 20)) io.out(`  ${join(shown, w)}`);
      if (n > 20) io.out(`  ... and ${n - 20} more`);
      if (result.removed.length > 0) io.out(`removed ${result.removed.length} stale file${result.removed.length === 1 ? "" : "s"} the previous synth wrote: ${result.removed.slice(0, 5).join(", ")}${result.removed.length > 5 ? ", ..." : ""}`);
      for (const k of result.kept) io.err(`${io.style("err", ["yellow", "bold"], "warning")} kept ${join(shown, k)}: synth no longer writes it, but it changed since synth did; delete it yourself if it is not needed`);
    });

  addBackendOptions(
    cli
      .command("validate")
      .description("validate an app (and with --backend, each backend's compile checks); exit 1 listing every problem")
      .argument("<app>", "the program (.ts or .js) exporting the App"),
    "validate",
  )
    .option("--strict", "treat warnings as errors")
    .option("--json", "print one JSON document (counts, diagnostics, suppressions) on stdout")
    .option("--typecheck", "run TypeScript's checks on the program first (exit 1 on a type error)")
    .action(async (program: string, opts: BackendFlags & { backend?: BackendName[]; strict?: boolean; typecheck?: boolean }) => {
      if (opts.typecheck) {
        const { typecheckProgram } = await import("./typecheck.js");
        const found = (await typecheckProgram(program)).filter((d) => d.category === "error");
        if (found.length > 0) {
          for (const d of found) io.err(d.text);
          throw new CliError(`${program}: ${found.length} type error${found.length === 1 ? "" : "s"}`, EXIT.validation);
        }
      }
      const graph = await loadGraph(program);
      const { errors, warnings: backendWarnings } = await compileAll(graph, opts.backend ?? [], backendOptions("validate", graph, opts), { program, imagesFile: opts.images });
      const warnings: CliDiagnostic[] = [...graph.warnings, ...backendWarnings];
      if (errors.length > 0) throw new CompileFailure([...errors, ...warnings]);
      if (opts.strict && warnings.length > 0) throw new ValidationError(warnings.map((w) => ({ ...w, severity: "error" as const })) as Diagnostic[]);
      const suppressed = graph.suppressed.map((s) => ({ code: s.code, path: s.path, reason: s.reason }));
      if (state.json) {
        io.document({ command: "validate", ok: true, exitCode: EXIT.ok, app: graph.app.name, nodes: graph.nodes.length, edges: graph.edges.length, backends: opts.backend ?? [], diagnostics: warnings.map(diagnosticJson), suppressed, error: null });
        return;
      }
      for (const w of warnings) io.err(io.diagnosticLine(w));
      for (const s of suppressed) io.err(`${io.style("err", "dim", "suppressed")} ${s.code} ${s.path}: ${s.reason}`);
      const checked = opts.backend?.length ? ` (checked for ${opts.backend.join(", ")})` : "";
      io.out(`valid: ${graph.nodes.length} nodes, ${graph.edges.length} edges${checked}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : ""}`);
    });

  cli
    .command("graph")
    .description("print the deployment graph as Mermaid, DOT or JSON")
    .argument("<app>", "the program (.ts or .js) exporting the App")
    .addOption(new Option("-f, --format <format>", "output format: mermaid, dot or json").argParser(flags.choice("graph", "--format", ["mermaid", "dot", "json"] as const)).default("mermaid"))
    .option("-o, --out <file>", "write to a file instead of stdout")
    .action(async (program: string, opts: { format: "mermaid" | "dot" | "json"; out?: string }) => {
      const graph = await loadGraph(program);
      const text = opts.format === "json" ? graphJson(graph, true) : opts.format === "dot" ? toDot(graph) : toMermaid(graph);
      if (opts.out) {
        await mkdir(dirname(resolve(opts.out)), { recursive: true });
        await writeFile(opts.out, text);
        io.out(`wrote ${opts.out}`);
      } else io.raw(text);
    });

  defineBuildCommand(cli.command("build"), { io, loadGraph });
  defineReplayCommand(cli.command("replay"), { io, loadGraph });

  cli
    .command("init")
    .description("scaffold a new app (app.ts, app.test.ts, package.json) into a new or empty folder")
    .argument("[dir]", "the folder (created if missing; refused if it has anything in it)", ".")
    .option("--name <name>", "the app name (default: from the folder name)")
    .option("--zeroscale <spec>", "the zeroscale dependency of the new package.json (default: ^<this version>), e.g. file:../zeroscale")
    .action((dir: string, opts: { name?: string; zeroscale?: string }) => {
      const made = init(dir, opts);
      const where = shownPath(made.dir);
      io.out(`created app ${made.name} in ${where}/:`);
      for (const f of made.files) io.out(`  ${join(where, f)}`);
      io.out(`next: ${where === "." ? "" : `cd ${where} && `}npm install && npm test && npx zeroscale dev app.ts`);
    });

  const dev = "dev";
  cli
    .command("dev")
    .description("run the app on this machine: gateway on localhost, functions scaled from zero by load and back")
    .argument("<app>", "the program (.ts or .js) exporting the App")
    .addOption(new Option("-p, --port <port>", "route port on 127.0.0.1; 0 = any free port").argParser(flags.port(dev, "--port", "3000")).default(3000))
    .addOption(new Option("--admin-port <port>", "admin port on 127.0.0.1 (metrics, status, events); 0 = any").argParser(flags.port(dev, "--admin-port", "0")).default(0))
    .addOption(new Option("--runtime <runtime>", "instance driver: docker or process (default: docker when an engine is reachable, else process)").argParser(flags.choice(dev, "--runtime", ["docker", "process"] as const)))
    .option("--secrets <file>", 'JSON file of secret values for dev: { "<store>": { "<key>": "<value>" } }')
    .addOption(new Option("--emulate <engine>", `run another engine's scaling semantics instead of zeroscale's own (every knob as declared): ${ENGINES.join(", ")}`).argParser(flags.choice(dev, "--emulate", ENGINES)).default("zeroscale"))
    .addOption(flags.dataPlaneOption(dev))
    .addOption(new Option("--grace <seconds>", "scale-to-zero grace period with --emulate knative (Knative's default is 30)").argParser(flags.wholeNumber(dev, "--grace", 0, "seconds", "30")).default(30))
    .addOption(new Option("--cold-start-buffer <n>", "HTTP requests held per function while an instance starts (replaces only the buffer size of every function's cold start; its wait stays)").argParser(flags.wholeNumber(dev, "--cold-start-buffer", 1, "requests", "100")))
    .addOption(new Option("--cold-start-wait <duration>", 'longest an HTTP request is held while an instance starts, e.g. "30s" (replaces only the wait of every function\'s cold start; its buffer size stays)').argParser(flags.duration(dev, "--cold-start-wait", '"500ms", "30s" or "2m"')))
    .option("--cold-start-reject", "answer HTTP requests 503 (Retry-After) at once while no instance is ready, still waking the function (overrides every function's cold start; queue and schedule deliveries still wait)")
    .addOption(new Option("--headers-timeout <duration>", 'longest a client may take to send its request headers, then 408 and close (default "10s")').argParser(flags.duration(dev, "--headers-timeout", '"10s", "500ms" or "1m"')))
    .addOption(new Option("--request-timeout <duration>", 'longest a client may take to send its whole request, body included, then 408 (default "30s"; not the function\'s run time)').argParser(flags.duration(dev, "--request-timeout", '"10s", "500ms" or "1m"')))
    .addOption(new Option("--keep-alive-timeout <duration>", 'how long an idle client connection stays open (default "5s"; below the runner\'s 75s)').argParser(flags.duration(dev, "--keep-alive-timeout", '"10s", "500ms" or "1m"')))
    .addOption(new Option("--max-connections <n>", "open client connections at most; one more gets 503 and is closed (default 10000)").argParser(flags.wholeNumber(dev, "--max-connections", 1, "connections", "10000")))
    .addOption(new Option("--max-body <size>", 'largest request body, then 413 (default "10MiB")').argParser(flags.size(dev, "--max-body")))
    .addOption(new Option("--max-buffered-bytes <size>", 'request bodies held in memory at once across all requests, then 503 with Retry-After (default "256MiB")').argParser(flags.size(dev, "--max-buffered-bytes")))
    .addOption(new Option("--allowed-host <host...>", "answer only these Host names on the route port (name, or name:port), 403 otherwise; routes' own hosts are always allowed (default: any host)").argParser(flags.host(dev, "--allowed-host")))
    .addOption(new Option("--log-level <level>", "log level: fatal, error, warn, info, debug, trace or silent").argParser(flags.choice(dev, "--log-level", ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const)).default("info"))
    .option("--json", "print status as JSON lines on stdout (ready, decision, stopping, stopped); logs go to stderr")
    .option("--open", "open the web console (the admin listener's /) in the default browser once serving")
    .action(async (program: string, opts: DevOptions) => {
      const edgeProblem = edgeFlagsProblem(opts);
      if (edgeProblem) throw edgeProblem;
      if (opts.coldStartReject && (opts.coldStartBuffer !== undefined || opts.coldStartWait !== undefined)) {
        throw flagError(dev, "--cold-start-reject", true, `cannot be combined with ${opts.coldStartBuffer !== undefined ? "--cold-start-buffer" : "--cold-start-wait"} (reject mode holds no request)`, "drop one of them", "ZS-CLI-FLAG-CONFLICT");
      }
      if (opts.secrets !== undefined) flags.readSecretsFile(opts.secrets); // a bad file fails before the program loads
      const { dev: run } = await import("./dev.js"); // the runtime loads only for `dev`
      await run(program, cli.opts()["color"] === false ? { ...opts, color: false } : opts); // the global --no-color
    });

  return cli;
}

/** What is wrong with a combination of the edge-limit flags (each value is already valid alone), or undefined. */
export function edgeFlagsProblem(opts: Pick<DevOptions, "headersTimeout" | "requestTimeout" | "keepAliveTimeout" | "maxBody" | "maxBufferedBytes">): FlagError | undefined {
  const headers = opts.headersTimeout ?? 10_000;
  const request = opts.requestTimeout ?? 30_000;
  const conflict = (flag: string, value: unknown, problem: string, fix: string) => flagError("dev", flag, value, problem, fix, "ZS-CLI-FLAG-CONFLICT");
  if (headers > request) return conflict("--headers-timeout", `${headers}ms`, `is above --request-timeout (${request}ms): the headers are part of the request`, "lower --headers-timeout or raise --request-timeout");
  if ((opts.keepAliveTimeout ?? 5_000) >= 75_000) return conflict("--keep-alive-timeout", `${opts.keepAliveTimeout}ms`, "is not below the runner's keep-alive of 75s, so the gateway's upstream sockets could be closed under a request", "set it below 75s, e.g. --keep-alive-timeout 5s");
  const body = opts.maxBody ?? 10 * 2 ** 20;
  const total = opts.maxBufferedBytes ?? 256 * 2 ** 20;
  if (body > total) return conflict("--max-body", body, `is above --max-buffered-bytes (${total} bytes): one body must fit in the budget`, "lower --max-body or raise --max-buffered-bytes");
  return undefined;
}

const COMMANDS = ["synth", "validate", "graph", "build", "replay", "init", "dev"];

/**
 * `--backend knative keda app.ts` (the space-separated form of earlier releases): each backend name
 * right after a --backend value becomes its own --backend, so the program argument is never taken.
 */
export function normalizeBackendArgs(args: readonly string[], names: readonly string[] = BACKEND_NAMES): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    out.push(a);
    if (a === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    const inline = a.startsWith("--backend=") || (a.startsWith("-b") && a.length > 2 && !a.startsWith("--"));
    if (a === "--backend" || a === "-b" || inline) {
      if (!inline && i + 1 < args.length) out.push(args[++i] as string);
      while (i + 1 < args.length && names.includes(args[i + 1] as string) && !existsSync(args[i + 1] as string)) out.push("--backend", args[++i] as string);
    }
  }
  return out;
}

/** Run the CLI on `argv` (node, script, args...); returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  quietOnClosedStdout();
  const args = argv.slice(2);
  const state: RunState = { command: args.find((a) => COMMANDS.includes(a)) ?? "", json: args.includes("--json"), io: new Output(args.includes("--no-color") ? false : undefined) };
  state.io.json = state.json;
  const cli = createCli(state);
  try {
    await cli.parseAsync([...argv.slice(0, 2), ...normalizeBackendArgs(args)]);
    return EXIT.ok;
  } catch (e) {
    return report(e, state, args.includes("--verbose"));
  }
}

/** Report a failure (as text on stderr, or as the command's JSON document) and return its exit code. */
function report(e: unknown, state: RunState, verbose: boolean): number {
  const { io } = state;
  const fail = (exitCode: number, diagnostics: readonly (CliDiagnostic | Diagnostic)[], error: { code: string; message: string } | null, text: () => void): number => {
    if (state.json) io.document({ command: state.command || null, ok: false, exitCode, diagnostics: diagnostics.map(diagnosticJson), error });
    else text();
    return exitCode;
  };
  const lines = (ds: readonly (CliDiagnostic | Diagnostic)[], summary: string) => () => {
    for (const d of ds) io.err(io.diagnosticLine(d));
    if (summary) io.err(summary);
  };
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) return EXIT.ok; // --help, --version
    return fail(EXIT.usage, [], { code: "ZS-CLI-USAGE", message: e.message.replace(/^error: /, "") }, () => undefined); // commander printed it
  }
  if (e instanceof FlagError) return fail(EXIT.usage, [e.diagnostic], null, lines([e.diagnostic], ""));
  if (e instanceof ValidationError) {
    const all = [...e.errors, ...e.warnings];
    return fail(EXIT.validation, all, null, lines(all, `${count(e.errors.length, "validation error")}${e.warnings.length ? `, ${count(e.warnings.length, "warning")}` : ""}`));
  }
  if (e instanceof CompileFailure) {
    const errors = e.diagnostics.filter((d) => d.severity === "error");
    const backends = [...new Set(errors.map((d) => d.backend))].join(", ");
    return fail(EXIT.validation, e.diagnostics, null, lines(e.diagnostics, `${count(errors.length, "unsupported use")} on ${backends}`));
  }
  if (e instanceof BackendError) {
    const ds = e.errors.map((d) => ({ ...d, backend: e.backend }));
    return fail(EXIT.validation, ds, null, lines(ds, `${count(ds.length, "unsupported use")} on ${e.backend}`));
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const stack = (x: unknown) => (x instanceof Error ? (x.stack ?? x.message) : String(x));
  if (err.name === "UserProgramError") {
    const cause = "cause" in err && err.cause !== undefined ? err.cause : err;
    const described = "describe" in err && typeof err.describe === "function" ? String((err as { describe(): string }).describe()) : err.message;
    return fail(EXIT.userProgram, [], { code: "ZS-CLI-PROGRAM", message: err.message }, () => io.err(verbose ? `error: ${described}\n${stack(cause)}` : `error: ${described}\n(run with --verbose for the stack)`));
  }
  if (e instanceof CliError) return fail(e.exitCode, [], { code: "ZS-CLI-ERROR", message: e.message }, () => io.err(`error: ${e.message}`));
  return fail(EXIT.internal, [], { code: "ZS-CLI-INTERNAL", message: err.message }, () =>
    io.err(verbose ? stack(err) : `internal error: ${err.message}\nThis is a bug in zeroscale: rerun with --verbose and report the stack.`),
  );
}
