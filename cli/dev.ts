import { closeSync, constants, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pino } from "pino";
import pretty from "pino-pretty";
import { DockerDriver } from "../runtime/drivers/docker.js";
import { ProcessDriver } from "../runtime/drivers/process.js";
import type { Driver } from "../runtime/drivers/types.js";
import { type ColdStartOverride, type FunctionStatus, Gateway, type GatewayOptions } from "../runtime/gateway/gateway.js";
import type { PoolEvent } from "../runtime/gateway/pool.js";
import type { FunctionLiveStats, LogRecord, RequestRecord } from "../runtime/gateway/stats.js";
import type { ScaleDecision } from "../lib/engines/types.js";
import type { EngineName } from "../lib/vocabulary.js";
import { JsonView } from "./dev-json.js";
import { LiveView, parseFunctionLine } from "./live-view.js";
import { type FlagError, flagError, listenProblem, readSecretsFile } from "./flags.js";
import { findHaproxy } from "../runtime/gateway/planes.js";
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
  /** What carries requests: the gateway's own Node proxy, or HAProxy (haproxy on PATH). @default "node" */
  readonly dataPlane?: "node" | "haproxy";
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
  /** Open the web console in the default browser once serving. @default false */
  readonly open?: boolean;
  /** The global --no-color (false); undefined leaves colour to NO_COLOR / FORCE_COLOR / the terminal. @default undefined */
  readonly color?: boolean;
}

/** The terminal view or the --json one. */
interface DevView {
  decision(d: ScaleDecision): void;
  say(text: string): void;
  render(status: FunctionStatus[], stats?: readonly FunctionLiveStats[]): void;
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

/** `--data-plane haproxy` without haproxy on this machine: a flag diagnostic naming what to install (exit 2, as other usage errors), else undefined. */
export function dataPlaneProblem(opts: Pick<DevOptions, "dataPlane">, find: () => string | undefined = findHaproxy): FlagError | undefined {
  if (opts.dataPlane !== "haproxy" || find() !== undefined) return undefined;
  return flagError("dev", "--data-plane", "haproxy", "finds no haproxy on PATH (nor /usr/sbin/haproxy)", "install it (apt-get install haproxy) or use --data-plane node", "ZS-CLI-DATA-PLANE");
}

/** `zeroscale dev <app>`: stand the app up on this machine until Ctrl-C. */
export async function dev(program: string, opts: DevOptions): Promise<void> {
  const planeProblem = dataPlaneProblem(opts);
  if (planeProblem) throw planeProblem;
  const dataPlane = opts.dataPlane ?? "node";
  const loaded = await loadApp(program);
  const { file } = loaded;
  const graph = await synthProgram(loaded);
  const baseDir = dirname(file);
  const interactive = process.stdout.isTTY === true && opts.json !== true;
  // Logs always go to this run's file (readable: pino-pretty, level kept); on a terminal the live view owns the screen, otherwise stdout gets them too (JSON lines, as before).
  const logFile = createLogFile(graph.app.name);
  const toFile = prettyLogFile(logFile);
  const level = opts.logLevel as pino.Level;
  const logger = pino({ level }, interactive ? toFile : pino.multistream([{ level, stream: toFile }, { level, stream: pino.destination(opts.json ? 2 : 1) }]));
  // Each function line: to the log file at its own level, and to the live view and the gateway's live stats.
  const logSinks: ((r: LogRecord) => void)[] = [];
  const fnLog = (fn: string, stream: "stdout" | "stderr", line: string) => {
    const record = logFunctionLine(logger, fn, stream, line);
    for (const sink of logSinks) sink(record);
  };
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
    dataPlane,
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
  const consoleUrl = `${gateway.adminUrl}/`;
  const header = [`zeroscale dev: ${graph.app.name} on ${runtime === "docker" ? "Docker" : "processes"}, ${engine === "zeroscale" ? "scaling as declared" : `emulating ${engine}'s scaling`}${dataPlane === "haproxy" ? ", HAProxy data plane" : ""} (Ctrl-C stops everything)`];
  for (const f of gateway.status()) header.push(`  ${f.id}: ${describeEffective(f.effective, f.coldStart)}`);
  for (const r of gateway.routes) header.push(`  ${gateway.url}${r.path}  ${r.methods.length ? r.methods.join(",") : "*"}${r.host ? ` host ${r.host}` : ""} -> ${r.fn}`);
  header.push(`  console: ${consoleUrl}${opts.open ? "" : "  (--open opens it in the browser)"}`);
  header.push(`  admin: ${gateway.adminUrl}/status  /metrics  /events`);
  header.push(`  logs: ${logFile}`);
  // A terminal shows the header cut to its width: the full lines go to the log file (at info whatever --log-level says).
  if (interactive) {
    const headerLog = pino({ level: "info" }, toFile);
    for (const line of header) headerLog.info(line);
  }
  // The gateway's live statistics (runtime/gateway/stats.ts: the console's and this view's numbers) get every function line too.
  const live = gateway.live;
  logSinks.push((r) => live.log(r));
  let view: DevView;
  if (opts.json) view = new JsonView(gateway, { app: graph.app.name, runtime, engine, logFile });
  else {
    const liveView = new LiveView(header, { tty: interactive, ...(opts.color !== undefined ? { color: opts.color } : {}), footer: `console ${consoleUrl}  logs ${logFile}` });
    gateway.on("instance", (e: PoolEvent) => liveView.instance(e));
    live.on("request", (r: RequestRecord) => liveView.request(r));
    logSinks.push((r) => liveView.log(r));
    view = liveView;
  }
  gateway.on("decision", (d: ScaleDecision) => view.decision(d));
  const draw = () => view.render(gateway.status(), live.snapshot());
  const timer = setInterval(draw, 500);
  draw();
  if (opts.open) void openConsole(consoleUrl, logger);
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

/** `--open`: the console in the default browser (the `open` package, loaded only when asked); a failure is logged, never fatal. */
async function openConsole(url: string, logger: pino.Logger): Promise<void> {
  try {
    const { default: open } = await import("open");
    const child = await open(url);
    child.on("error", (e) => logger.warn({ url, err: e.message }, "could not open the console in a browser"));
  } catch (e) {
    logger.warn({ url, err: (e as Error).message }, "could not open the console in a browser");
  }
}

/**
 * Log one line a function printed at its own level: a JSON log line's level and message (its other
 * fields as fields), else `info` from stdout and `warn` from stderr. Returns it as the live stats keep it.
 */
export function logFunctionLine(logger: pino.Logger, fn: string, stream: "stdout" | "stderr", line: string, at = Date.now()): LogRecord {
  const parsed = parseFunctionLine(line);
  const level = parsed.level ?? (stream === "stderr" ? "warn" : "info");
  const fields: Record<string, unknown> = { fn, stream, ...(parsed.data ? readableFields(parsed.data) : {}) };
  Object.assign(fields, { fn, stream }); // a line's own "fn" or "stream" never hides which function wrote it
  logger[level](fields, parsed.level === undefined ? line : parsed.msg);
  return { at, fn, stream, level, line };
}

/** This run's log file as pino-pretty writes it: synchronous appends to the 0600 file, no colour, the level and a UTC time on every line. */
export function prettyLogFile(file: string): NodeJS.WritableStream {
  const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
  return pretty({ destination: fd, sync: true, colorize: false, translateTime: "UTC:yyyy-mm-dd HH:MM:ss.l'Z'", ignore: "pid,hostname" });
}

/** A function's JSON log fields for the pretty log: an error given as a stack string becomes `{ message, stack }`, which pino-pretty prints as a stack. */
function readableFields(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const key of ["error", "err"]) {
    const v = out[key];
    if (typeof v === "string" && v.includes("\n")) out[key] = { message: v.split("\n")[0], stack: v };
  }
  return out;
}
