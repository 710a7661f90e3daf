import { closeSync, constants, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pino } from "pino";
import { DockerDriver } from "../runtime/drivers/docker.js";
import { ProcessDriver } from "../runtime/drivers/process.js";
import type { Driver } from "../runtime/drivers/types.js";
import { type ColdStartOverride, type FunctionStatus, Gateway, type GatewayOptions } from "../runtime/gateway/gateway.js";
import type { ScaleDecision } from "../lib/engines/types.js";
import type { EngineName } from "../lib/vocabulary.js";
import { JsonView } from "./dev-json.js";
import { flagError, listenProblem, readSecretsFile } from "./flags.js";
import { CliError, loadApp, synthProgram } from "./load.js";

/** Options of `zeroscale dev`. */
export interface DevOptions {
  /** Route and admin ports (parsed by cli/flags.ts; 0 = any free port). */
  readonly port: number;
  readonly adminPort: number;
  readonly runtime?: "docker" | "process";
  readonly secrets?: string;
  /** Knative's scale-to-zero grace period, seconds (with `emulate: "knative"`). */
  readonly grace: number;
  readonly logLevel: string;
  /** The engine whose scaling semantics the gateway runs. @default "zeroscale" */
  readonly emulate?: EngineName;
  /** Cold-start overrides for every function (parsed: requests, ms). */
  readonly coldStartBuffer?: number;
  readonly coldStartWait?: number;
  readonly coldStartReject?: boolean;
  /** Edge limits (parsed: ms, connections, bytes); each unset keeps the gateway's default. */
  readonly headersTimeout?: number;
  readonly requestTimeout?: number;
  readonly keepAliveTimeout?: number;
  readonly maxConnections?: number;
  readonly maxBody?: number;
  readonly maxBufferedBytes?: number;
  readonly allowedHost?: readonly string[];
  /** Status as JSON lines on stdout (cli/dev-json.ts); logs then go to stderr. */
  readonly json?: boolean;
}

/** The Gateway edge options the flags ask for (only those given). */
export function edgeFromFlags(opts: DevOptions): Partial<GatewayOptions> {
  return {
    ...(opts.headersTimeout !== undefined ? { headersTimeoutMs: opts.headersTimeout } : {}),
    ...(opts.requestTimeout !== undefined ? { requestTimeoutMs: opts.requestTimeout } : {}),
    ...(opts.keepAliveTimeout !== undefined ? { keepAliveTimeoutMs: opts.keepAliveTimeout } : {}),
    ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}),
    ...(opts.maxBody !== undefined ? { maxBodyBytes: opts.maxBody } : {}),
    ...(opts.maxBufferedBytes !== undefined ? { maxBufferedBytes: opts.maxBufferedBytes } : {}),
    ...(opts.allowedHost !== undefined ? { allowedHosts: opts.allowedHost } : {}),
  };
}

/**
 * The cold-start override the flags ask for, or undefined to keep each function's own. Only the
 * fields given: the gateway merges them over each function's effective cold start.
 */
export function coldStartFromFlags(opts: Pick<DevOptions, "coldStartBuffer" | "coldStartWait" | "coldStartReject">): ColdStartOverride | undefined {
  if (opts.coldStartReject) return { mode: "reject" };
  if (opts.coldStartBuffer === undefined && opts.coldStartWait === undefined) return undefined;
  return {
    mode: "buffer",
    ...(opts.coldStartBuffer !== undefined ? { maxRequests: opts.coldStartBuffer } : {}),
    ...(opts.coldStartWait !== undefined ? { maxWaitSeconds: opts.coldStartWait / 1000 } : {}),
  };
}

/** `zeroscale dev <app>`: stand the app up on this machine until Ctrl-C. */
export async function dev(program: string, opts: DevOptions): Promise<void> {
  const loaded = await loadApp(program);
  const { file } = loaded;
  const graph = await synthProgram(loaded);
  const baseDir = dirname(file);
  const interactive = process.stdout.isTTY === true && opts.json !== true;
  // Logs always go to this run's file; on a terminal the live view owns the screen, otherwise stdout gets them too.
  const logFile = createLogFile(graph.app.name);
  const toFile = pino.destination({ dest: logFile, sync: false });
  const level = opts.logLevel as pino.Level;
  const logger = pino({ level }, interactive ? toFile : pino.multistream([{ level, stream: toFile }, { level, stream: pino.destination(opts.json ? 2 : 1) }]));
  const fnLog = (fn: string, stream: "stdout" | "stderr", line: string) => logger.info({ fn, stream }, line);
  const runtime = opts.runtime ?? ((await DockerDriver.reachable()) ? "docker" : "process");
  const driver: Driver = runtime === "docker" ? new DockerDriver({ baseDir, log: fnLog }) : new ProcessDriver(baseDir, fnLog);
  if (runtime === "docker" && !(await DockerDriver.reachable())) throw flagError("dev", "--runtime", "docker", "finds no Docker engine that answers", "start one (dockerd, Docker Desktop) or use --runtime process", "ZS-CLI-RUNTIME");
  const secrets = opts.secrets ? readSecretsFile(opts.secrets) : {};
  const coldStart = coldStartFromFlags(opts);
  const engine = opts.emulate ?? "zeroscale";
  const gateway = new Gateway(graph, {
    driver,
    port: Number(opts.port),
    adminPort: Number(opts.adminPort),
    engine,
    scaleToZeroGracePeriodSeconds: Number(opts.grace),
    ...(coldStart ? { coldStart } : {}),
    ...edgeFromFlags(opts),
    secrets,
    logger,
  });
  try {
    await gateway.start();
  } catch (e) {
    await gateway.stop().catch(() => undefined);
    throw listenProblem(e, opts) ?? new CliError(String((e as Error).message));
  }
  const header = [`zeroscale dev: ${graph.app.name} on ${runtime === "docker" ? "Docker" : "processes"}, ${engine === "zeroscale" ? "scaling as declared" : `emulating ${engine}'s scaling`} (Ctrl-C stops everything)`];
  for (const f of gateway.status()) header.push(`  ${f.id}: ${describeEffective(f.effective, f.coldStart)}`);
  for (const r of gateway.routes) header.push(`  ${gateway.url}${r.path}  ${r.methods.length ? r.methods.join(",") : "*"}${r.host ? ` host ${r.host}` : ""} -> ${r.fn}`);
  header.push(`  admin: ${gateway.adminUrl}/status  /metrics  /events`);
  header.push(`  logs: ${logFile}`);
  const view = opts.json ? new JsonView(gateway, { app: graph.app.name, runtime, engine, logFile }) : new LiveView(header, interactive);
  gateway.on("decision", (d: ScaleDecision) => view.decision(d));
  const timer = setInterval(() => view.render(gateway.status()), 500);
  view.render(gateway.status());
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  clearInterval(timer);
  view.say("stopping: draining requests and removing instances...");
  await gateway.stop();
  view.say("stopped.");
}

/**
 * This run's log file: `$TMPDIR/zeroscale-dev-<app>-<pid>.log` (`-<pid>-<ms>.log` if a run with a reused pid left one), created new (never an existing file or
 * a symlink planted there) and readable only by its owner (0600): instance output may hold secrets.
 */
export function createLogFile(app: string, dir = tmpdir(), pid = process.pid): string {
  const base = join(dir, `zeroscale-dev-${app.replace(/[^A-Za-z0-9._-]/g, "_")}-${pid}`);
  for (const file of [`${base}.log`, `${base}-${Date.now()}.log`]) {
    try {
      closeSync(openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600));
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new CliError(`cannot create the log file ${file}: ${(e as Error).message}`);
    }
  }
  throw new CliError(`cannot create a new log file at ${base}.log: it exists (a run with the same pid left it)`);
}

/** One line of what the gateway will do with a function: bounds, metric, time to zero, cold start. */
function describeEffective(e: FunctionStatus["effective"], coldStart: FunctionStatus["coldStart"]): string {
  const zero = e.timeToZeroSeconds === null ? "never to zero" : `zero ${e.timeToZeroSeconds}s after the last request`;
  const cold = coldStart.mode === "reject" ? "cold start: 503 at once" : `cold start: hold ${coldStart.maxRequests ?? "any number of"} requests up to ${coldStart.maxWaitSeconds}s`;
  const base = e.baselines.length ? `, ${e.baselines.length} baseline${e.baselines.length === 1 ? "" : "s"}` : "";
  return `${e.minInstances}-${e.maxInstances} instances, ${e.metric.type} target ${Number(e.metric.target.toFixed(2))} per instance, ${zero}${base}, ${cold}`;
}

/** The terminal view: a table redrawn in place on a TTY, one line per scaling decision otherwise. */
class LiveView {
  private readonly decisions: string[] = [];
  private printedHeader = false;

  constructor(
    private readonly header: string[],
    private readonly tty: boolean,
  ) {}

  decision(d: ScaleDecision): void {
    const line = `${new Date().toISOString().slice(11, 19)} ${d.function} -> ${d.desired} (${d.reason}${d.panicking ? ", panicking" : ""})`;
    this.decisions.push(line);
    if (this.decisions.length > 8) this.decisions.shift();
    if (!this.tty) console.log(line);
  }

  say(text: string): void {
    console.log(text);
  }

  render(status: FunctionStatus[]): void {
    if (!this.tty) {
      if (!this.printedHeader) console.log(this.header.join("\n"));
      this.printedHeader = true;
      return;
    }
    const rows = status.map((f) => {
      const i = f.instances;
      return `  ${f.id.padEnd(28)} ${String(i.ready).padStart(5)} ${String(i.starting).padStart(8)} ${String(i.draining).padStart(8)} ${String(f.inflight).padStart(9)} ${String(f.buffered).padStart(8)}  ${f.state === "crash-looping" ? (f.error ?? "crash-looping") : f.last ? `${f.last.desired}: ${f.last.reason}` : "-"}`;
    });
    const out = [
      ...this.header,
      "",
      `  ${"function".padEnd(28)} ${"ready".padStart(5)} ${"starting".padStart(8)} ${"draining".padStart(8)} ${"in-flight".padStart(9)} ${"buffered".padStart(8)}  last decision`,
      ...rows,
      "",
      "  recent scaling decisions:",
      ...this.decisions.map((d) => `    ${d}`),
    ];
    process.stdout.write(`\x1b[H\x1b[2J${out.join("\n")}\n`);
  }
}
