import { mkdirSync, writeFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { parseDurationMillis } from "../lib/duration.js";
import { toDot, toMermaid } from "../lib/graph/render.js";
import { summarizeGraph } from "../lib/graph/summary.js";
import type { DeploymentGraph } from "../lib/graph/types.js";
import { synth } from "../lib/synth.js";
import { formatDiagnostic, ValidationError } from "../lib/validation/diagnostic.js";
import { type ArtifactFile, BackendError, type PlanView } from "../lib/backend.js";
import { type BackendName, backendsWithFlag, cliBackends } from "./backends.js";
import type { DevOptions } from "./dev.js";
import { CliError, loadApp } from "./load.js";

/** Serialize a graph exactly as `synth` writes it (stable: same graph, same bytes). */
export function graphJson(graph: DeploymentGraph): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}

async function loadGraph(program: string): Promise<DeploymentGraph> {
  const { app } = await loadApp(program);
  return synth(app);
}

/** Write every file (synchronously: for 10,000 small files that is several times faster than awaiting each). */
function writeArtifacts(outDir: string, files: readonly ArtifactFile[]): string[] {
  const written: string[] = [];
  const made = new Set<string>();
  for (const f of files) {
    const target = join(outDir, f.path);
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, f.content);
    written.push(target);
  }
  return written;
}

function parseBufferSize(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("Expected a whole number of requests >= 1, e.g. 100.");
  return Number(value);
}

function parseWait(value: string): number {
  const ms = parseDurationMillis(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('Expected a duration above 0 such as "500ms", "30s" or "2m".');
  return ms;
}

function parseGrace(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("Expected a whole number of seconds >= 0, e.g. 30.");
  return Number(value);
}

function parseEdgeDuration(value: string): number {
  const ms = parseDurationMillis(value);
  if (ms === undefined || ms <= 0 || !Number.isSafeInteger(ms)) throw new InvalidArgumentError('Expected a duration above 0 such as "10s", "500ms" or "1m".');
  return ms;
}

function parseConnections(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError("Expected a whole number of connections >= 1, e.g. 10000.");
  return Number(value);
}

const SIZE_UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, kb: 1e3, kib: 2 ** 10, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30 };

/** A size in bytes: a whole number, or a number with B, KB, KiB, MB, MiB, GB or GiB ("10MiB", "1.5MB"). */
export function parseBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? "").toLowerCase()];
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError('Expected a size of at least 1 byte such as "10MiB", "512KiB" or "1048576" (units: B, KB, KiB, MB, MiB, GB, GiB).');
  return bytes;
}

function collectHost(value: string, previous: string[] | undefined): string[] {
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)(:\d{1,5})?$/i.test(value)) {
    throw new InvalidArgumentError('Expected a host name, optionally with a port, such as "localhost", "app.test:3000" or "[::1]:3000".');
  }
  return [...(previous ?? []), value];
}

/** Build the `zeroscale` command. */
export function createCli(): Command {
  const cli = new Command("zeroscale")
    .description("Serverless infrastructure as code: synthesize, validate and draw zeroscale apps.")
    .option("--verbose", "print stack traces on errors")
    .showHelpAfterError();

  const backends = cliBackends();
  const backendNames = [...backends.keys()];

  cli
    .command("synth")
    .description("synthesize an app: write graph.json and each backend's artifacts")
    .argument("<app>", "the program (.ts or .js) exporting the App")
    .option("-o, --out <dir>", "output directory", "dist")
    .addOption(new Option("-b, --backend <name...>", "backends to write artifacts for (each into <out>/<name>/)").choices(backendNames))
    .option("--namespace <ns>", `Kubernetes namespace (${backendsWithFlag("namespace").join(", ")})`)
    .option("--image-registry <prefix>", `registry for build/code functions' images: <prefix>/<function name>:<tag> (${backendsWithFlag("imageRegistry").join(", ")})`)
    .option("--image-tag <tag>", "tag for --image-registry images", "latest")
    .option("--strict", "treat warnings as errors (exit 1 listing them)")
    .option("--single-file", "write each backend's manifests to one manifests.yaml instead of one file per function")
    .action(async (program: string, opts: { out: string; backend?: string[]; namespace?: string; imageRegistry?: string; imageTag?: string; strict?: boolean; singleFile?: boolean }) => {
      const graph = await loadGraph(program);
      const outDir = resolve(opts.out);
      const files: ArtifactFile[] = [{ path: "graph.json", content: graphJson(graph) }];
      const warnings = [...graph.warnings];
      const views: { name: string; view: PlanView }[] = [];
      for (const name of opts.backend ?? []) {
        const make = backends.get(name as BackendName) as NonNullable<ReturnType<typeof backends.get>>;
        const backend = make({ namespace: opts.namespace, imageRegistry: opts.imageRegistry, imageTag: opts.imageTag });
        const plan = backend.compile(graph);
        views.push({ name, view: backend.view(plan) });
        warnings.push(...plan.warnings.filter((w) => !graph.warnings.includes(w)));
        let artifacts = backend.artifacts(plan);
        if (opts.singleFile) {
          const manifests = artifacts.filter((f) => f.path.startsWith("manifests/"));
          if (manifests.length > 0) artifacts = [{ path: "manifests.yaml", content: manifests.map((f) => f.content).join("") }, ...artifacts.filter((f) => !f.path.startsWith("manifests/"))];
        }
        for (const f of artifacts) files.push({ path: join(name, f.path), content: f.content });
      }
      if (opts.strict && warnings.length > 0) throw new ValidationError(warnings.map((w) => ({ ...w, severity: "error" as const })));
      await rm(outDir, { recursive: true, force: true });
      const written = writeArtifacts(outDir, files);
      console.log(summarizeGraph({ ...graph, warnings }, views));
      console.log(`wrote ${written.length} file${written.length === 1 ? "" : "s"} to ${relative(process.cwd(), outDir) || "."}/`);
      for (const w of written.slice(0, 20)) console.log(`  ${relative(process.cwd(), w)}`);
      if (written.length > 20) console.log(`  ... and ${written.length - 20} more`);
    });

  cli
    .command("validate")
    .description("validate an app; exit 1 listing every problem")
    .argument("<app>", "the program (.ts or .js) exporting the App")
    .option("--strict", "treat warnings as errors")
    .action(async (program: string, opts: { strict?: boolean }) => {
      const graph = await loadGraph(program);
      if (opts.strict && graph.warnings.length > 0) throw new ValidationError(graph.warnings.map((w) => ({ ...w, severity: "error" as const })));
      for (const w of graph.warnings) console.log(`warning: ${formatDiagnostic(w)}`);
      for (const s of graph.suppressed) console.log(`suppressed: ${s.code} at ${s.path} (${s.reason})`);
      console.log(`valid: ${graph.nodes.length} nodes, ${graph.edges.length} edges`);
    });

  cli
    .command("graph")
    .description("print the deployment graph as Mermaid, DOT or JSON")
    .argument("<app>", "the program (.ts or .js) exporting the App")
    .addOption(new Option("-f, --format <format>", "output format").choices(["mermaid", "dot", "json"]).default("mermaid"))
    .option("-o, --out <file>", "write to a file instead of stdout")
    .action(async (program: string, opts: { format: "mermaid" | "dot" | "json"; out?: string }) => {
      const graph = await loadGraph(program);
      const text = opts.format === "json" ? graphJson(graph) : opts.format === "dot" ? toDot(graph) : toMermaid(graph);
      if (opts.out) {
        await mkdir(dirname(resolve(opts.out)), { recursive: true });
        await writeFile(opts.out, text);
        console.log(`wrote ${opts.out}`);
      } else process.stdout.write(text);
    });

  cli
    .command("dev")
    .description("run the app on this machine: gateway on localhost, functions scaled from zero by load and back")
    .argument("<app>", "the program (.ts or .js) exporting the App")
    .option("-p, --port <port>", "route port on 127.0.0.1", "3000")
    .option("--admin-port <port>", "admin port on 127.0.0.1 (metrics, status, events); 0 = any", "0")
    .addOption(new Option("--runtime <runtime>", "instance driver (default: docker when an engine is reachable, else process)").choices(["docker", "process"]))
    .option("--secrets <file>", 'JSON file of secret values for dev: { "<store>": { "<key>": "<value>" } }')
    .addOption(new Option("--emulate <engine>", "run another engine's scaling semantics instead of zeroscale's own (every knob as declared)").choices(["zeroscale", "knative", "keda"]).default("zeroscale"))
    .option("--grace <seconds>", "scale-to-zero grace period with --emulate knative (Knative's default is 30)", parseGrace, 30)
    .option("--cold-start-buffer <n>", "HTTP requests held per function while an instance starts (replaces only the buffer size of every function's cold start; its wait stays)", parseBufferSize)
    .option("--cold-start-wait <duration>", 'longest an HTTP request is held while an instance starts, e.g. "30s" (replaces only the wait of every function\'s cold start; its buffer size stays)', parseWait)
    .option("--cold-start-reject", "answer HTTP requests 503 (Retry-After) at once while no instance is ready, still waking the function (overrides every function's cold start; queue and schedule deliveries still wait)")
    .option("--headers-timeout <duration>", 'longest a client may take to send its request headers, then 408 and close (default "10s")', parseEdgeDuration)
    .option("--request-timeout <duration>", 'longest a client may take to send its whole request, body included, then 408 (default "30s"; not the function\'s run time)', parseEdgeDuration)
    .option("--keep-alive-timeout <duration>", 'how long an idle client connection stays open (default "5s"; below the runner\'s 75s)', parseEdgeDuration)
    .option("--max-connections <n>", "open client connections at most; one more gets 503 and is closed (default 10000)", parseConnections)
    .option("--max-body <size>", 'largest request body, then 413 (default "10MiB")', parseBytes)
    .option("--max-buffered-bytes <size>", 'request bodies held in memory at once across all requests, then 503 with Retry-After (default "256MiB")', parseBytes)
    .option("--allowed-host <host...>", "answer only these Host names on the route port (name, or name:port), 403 otherwise; routes' own hosts are always allowed (default: any host)", collectHost)
    .option("--log-level <level>", "pino log level", "info")
    .action(async (program: string, opts: DevOptions) => {
      const edgeProblem = edgeFlagsProblem(opts);
      if (edgeProblem) throw new CliError(edgeProblem, 1);
      if (opts.coldStartReject && (opts.coldStartBuffer !== undefined || opts.coldStartWait !== undefined)) {
        throw new CliError("--cold-start-reject cannot be combined with --cold-start-buffer or --cold-start-wait (reject mode holds no request)", 1);
      }
      const { dev } = await import("./dev.js"); // the runtime loads only for `dev`
      await dev(program, opts);
    });

  return cli;
}

/** What is wrong with a combination of the edge-limit flags (each value is already valid alone), or undefined. */
export function edgeFlagsProblem(opts: Pick<DevOptions, "headersTimeout" | "requestTimeout" | "keepAliveTimeout" | "maxBody" | "maxBufferedBytes">): string | undefined {
  const headers = opts.headersTimeout ?? 10_000;
  const request = opts.requestTimeout ?? 30_000;
  if (headers > request) return `--headers-timeout (${headers} ms) cannot be above --request-timeout (${request} ms): the headers are part of the request`;
  if ((opts.keepAliveTimeout ?? 5_000) >= 75_000) return `--keep-alive-timeout (${opts.keepAliveTimeout} ms) must be below the runner's keep-alive of 75s, so the gateway's upstream sockets are never the ones closed under a request`;
  const body = opts.maxBody ?? 10 * 2 ** 20;
  const total = opts.maxBufferedBytes ?? 256 * 2 ** 20;
  if (body > total) return `--max-body (${body} bytes) cannot be above --max-buffered-bytes (${total} bytes): one body must fit in the budget`;
  return undefined;
}

/** Run the CLI on `argv`; returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const cli = createCli();
  try {
    await cli.parseAsync(argv as string[]);
    return 0;
  } catch (e) {
    const verbose = cli.opts()["verbose"] === true || argv.includes("--verbose");
    if (e instanceof ValidationError) {
      console.error(e.message);
      for (const w of e.warnings) console.error(`warning: ${formatDiagnostic(w)}`);
      return 1;
    }
    if (e instanceof BackendError) {
      console.error(e.message);
      return 1;
    }
    if (e instanceof CliError) {
      console.error(`error: ${e.message}`);
      return e.exitCode;
    }
    const err = e as Error;
    console.error(verbose ? err.stack : `error: ${err.message ?? String(e)} (run with --verbose for the stack)`);
    return 2;
  }
}
