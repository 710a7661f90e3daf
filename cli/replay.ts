// `zeroscale replay <app> --trace <file>`: replay a request or queue-depth trace through each
// function's engine model (the scaler `zeroscale dev` and the backends' models run, in virtual time:
// lib/testing/replay.ts), and print per function its instances over time (a sparkline), cold starts,
// how long requests waited for an instance, and the cost view (lib/cost) against always-on; `--plot`
// writes the instances as an SVG. Same app and trace, same text and the same SVG bytes.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import sparkly from "sparkly";
import { type CostLine, type CostReport, costReport, DEFAULT_PRICES, instanceSecondsOf, memoryGiBOf, type Prices, vcpuOf } from "../lib/cost/index.js";
import { engineInput, engineModel } from "../lib/engines/index.js";
import type { Trace } from "../lib/engines/replay.js";
import type { DeploymentGraph, FunctionNode } from "../lib/graph/types.js";
import type { EngineName } from "../lib/vocabulary.js";
import { engineOfBackend, type ReplayResult, replayGraph } from "../lib/testing/replay.js";
import { flagError } from "./flags.js";
import type { Output } from "./output.js";
import { type ReplayContext, type ReplayOptions } from "./replay-command.js";
import { arrivalsOf, readTraceFile, type TraceRow, traceFor } from "./trace.js";
import { type PlotSeries, plotSvg } from "./replay-plot.js";

// The command (flags, help) is ./replay-command.ts, which imports this module only when replay runs.
export { defineReplayCommand, REPLAY_BACKENDS, type ReplayContext, type ReplayOptions } from "./replay-command.js";

const COMMAND = "replay";


/** Where an engine's bill is not its instance-seconds: the cost view's caveat for it (null: none). */
export const BILLING_NOTES: Readonly<Record<EngineName, string | null>> = {
  zeroscale: null,
  knative: null,
  keda: null,
  aca: null,
  cloudrun: "Cloud Run's request-based billing charges an instance only while it handles requests (idle instances it keeps are free), so the cost as replayed is an upper bound",
  lambda: "Lambda bills the time requests run, not an environment's lifetime, so the cost as replayed is an upper bound",
};

/** Columns of the sparkline. */
export const SPARK_WIDTH = 60;

/**
 * The functions to replay: `--fn` (an id, or a name relative to the app), else every function with rows
 * in the trace; and the rows with each `fn` as a function id.
 */
function selectFunctions(graph: DeploymentGraph, given: readonly TraceRow[], file: string, only: string | undefined): { fns: FunctionNode[]; rows: TraceRow[] } {
  const fns = graph.nodes.filter((n): n is FunctionNode => n.kind === "function");
  const find = (name: string) => fns.find((f) => f.id === name || f.id === `${graph.app.name}/${name}`);
  const ids = fns.map((f) => f.id).join(", ");
  const rows = given.map((r) => {
    if (r.fn === null) return r;
    const f = find(r.fn);
    if (!f) throw flagError(COMMAND, "--trace", file, `names function "${r.fn}", which the app does not have`, `use one of ${ids}`, "ZS-CLI-TRACE-FILE");
    return { ...r, fn: f.id };
  });
  const named = (r: TraceRow, f: FunctionNode) => r.fn === null || r.fn === f.id;
  if (only !== undefined) {
    const f = find(only);
    if (!f) throw flagError(COMMAND, "--fn", only, `is not a function of app "${graph.app.name}"`, `use one of ${ids}`);
    if (!rows.some((r) => named(r, f))) throw flagError(COMMAND, "--fn", only, `has no rows in ${file}`, "add rows for it (or rows without fn, which apply to every function)", "ZS-CLI-TRACE-FILE");
    return { fns: [f], rows };
  }
  const chosen = fns.filter((f) => rows.some((r) => named(r, f)));
  if (chosen.length === 0) throw flagError(COMMAND, "--trace", file, "has no rows", `add rows for ${ids}`, "ZS-CLI-TRACE-FILE");
  return { fns: chosen, rows };
}

/** How long requests waited for a ready instance, read off the replay's one-second timeline. */
export interface Waits {
  readonly requests: number;
  /** Upper bounds (the replay moves in one-second steps), seconds, of the requests that found no ready instance. */
  readonly waited: readonly number[];
  /** Requests that found no ready instance before the replay ended. */
  readonly unserved: number;
}

/** The wait of each request of `trace`: 0 when an instance was ready at its second, else until the first second with one (an upper bound). */
export function requestWaits(trace: Trace, ready: readonly number[]): Waits {
  const at = (t: number) => (t >= 1 && t <= ready.length ? (ready[t - 1] as number) : 0);
  const next = new Array<number>(ready.length + 2).fill(Number.POSITIVE_INFINITY);
  for (let t = ready.length; t >= 1; t--) next[t] = at(t) > 0 ? t : (next[t + 1] as number);
  const waited: number[] = [];
  let unserved = 0;
  const arrivals = arrivalsOf(trace);
  for (const a of arrivals) {
    const s = Math.floor(a);
    if (at(s) > 0) continue;
    const t = next[Math.min(s + 1, ready.length + 1)] as number;
    if (Number.isFinite(t)) waited.push(t - a);
    else unserved++;
  }
  return { requests: arrivals.length, waited: waited.sort((x, y) => x - y), unserved };
}

/** Seconds the queue held messages with no ready instance: in total, and the longest stretch. */
export function backlogWaits(trace: Trace, ready: readonly number[]): { total: number; longest: number } | null {
  if (!trace.depth?.length) return null;
  const points = [...trace.depth].sort((a, b) => a.at - b.at);
  let i = 0;
  let depth = 0;
  let total = 0;
  let run = 0;
  let longest = 0;
  for (let t = 1; t <= ready.length; t++) {
    while (i < points.length && (points[i] as { at: number }).at <= t) depth = (points[i++] as { value: number }).value;
    if (depth > 0 && (ready[t - 1] as number) === 0) {
      total++;
      longest = Math.max(longest, ++run);
    } else run = 0;
  }
  return { total, longest };
}

/** Starts from zero (wakes) and instance starts (every rise of the desired count). */
export function starts(desired: readonly number[]): { fromZero: number; instances: number } {
  let fromZero = 0;
  let instances = 0;
  let prev = 0;
  for (const n of desired) {
    if (prev === 0 && n > 0) fromZero++;
    if (n > prev) instances += n - prev;
    prev = n;
  }
  return { fromZero, instances };
}

/** A sparkline of `values` in at most `width` columns (each the peak of its seconds); zero is a blank. */
export function sparkline(values: readonly number[], width = SPARK_WIDTH): { line: string; secondsPerColumn: number } {
  const per = Math.max(1, Math.ceil(values.length / width));
  const peaks: number[] = [];
  for (let i = 0; i < values.length; i += per) peaks.push(Math.max(...values.slice(i, i + per)));
  const max = Math.max(1, ...peaks);
  return { line: sparkly(peaks.map((n) => (n > 0 ? n : "")), { minimum: 0, maximum: max }), secondsPerColumn: per };
}

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const secs = (n: number) => `${n.toFixed(1)} s`;
const money = (n: number) => n.toFixed(6);
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** The prices of the cost view: the defaults, with the flags' overrides. */
export function pricesOf(opts: Pick<ReplayOptions, "priceVcpuSecond" | "priceGibSecond">): Prices {
  if (opts.priceVcpuSecond === undefined && opts.priceGibSecond === undefined) return DEFAULT_PRICES;
  const given = [opts.priceVcpuSecond !== undefined ? "--price-vcpu-second" : "", opts.priceGibSecond !== undefined ? "--price-gib-second" : ""].filter(Boolean).join(" and ");
  return {
    vcpuSecond: opts.priceVcpuSecond ?? DEFAULT_PRICES.vcpuSecond,
    gibSecond: opts.priceGibSecond ?? DEFAULT_PRICES.gibSecond,
    currency: "USD",
    source: `${given} given${opts.priceVcpuSecond === undefined || opts.priceGibSecond === undefined ? `; the rest from ${DEFAULT_PRICES.source}` : ""}`,
  };
}

/** "saves 12.5 % against", or "costs 40.0 % more than" (a function that needed more than the fixed size). */
function saving(percent: number): string {
  return percent < 0 ? `costs ${(-percent).toFixed(1)} % more than` : `saves ${percent.toFixed(1)} % against`;
}

/** The cost table of one function. */
export function costLines(r: CostReport, maxInstances: number): string[] {
  const row = (name: string, c: CostLine) => `    ${name.padEnd(24)}${c.instanceSeconds.toFixed(1).padStart(12)}${c.vcpuSeconds.toFixed(1).padStart(10)}${c.gibSeconds.toFixed(1).padStart(10)}${money(c.cost).padStart(12)}`;
  return [
    `    ${"".padEnd(24)}${"instance-s".padStart(12)}${"vCPU-s".padStart(10)}${"GiB-s".padStart(10)}${"USD".padStart(12)}`,
    row("as replayed", r.actual),
    row(`always on at max (${maxInstances})`, r.alwaysOnMax),
    row(`always on at ${r.alwaysOnFixed.size}`, r.alwaysOnFixed),
    `  scaling as replayed ${saving(r.savedVsMaxPercent)} always on at max, ${saving(r.savedVsFixedPercent)} ${plural(r.alwaysOnFixed.size, "instance")} always on`,
  ];
}

/** One function's replay, analysed. */
export interface FunctionReplay {
  readonly fn: FunctionNode;
  readonly result: ReplayResult;
  readonly trace: Trace;
  readonly cost: CostReport;
  readonly text: readonly string[];
}

/** Replay one function and describe it (pure: the same inputs give the same lines). */
export function replayFunction(graph: DeploymentGraph, fn: FunctionNode, trace: Trace, opts: Omit<ReplayOptions, "trace" | "plot" | "fn">, prices: Prices): FunctionReplay {
  const result = replayGraph(graph, fn.id, trace, { backend: opts.backend, ...(opts.coldStart !== undefined ? { coldStartSeconds: opts.coldStart } : {}), ...(opts.until !== undefined ? { until: opts.until } : {}) });
  const input = engineInput(graph, fn.id);
  const desired = result.timeline.map((p) => p.instances);
  const ready = result.timeline.map((p) => p.ready);
  const cost = costReport({ fn: fn.id, vcpu: vcpuOf(fn.cpu), memoryGiB: memoryGiBOf(fn.memory), instanceSeconds: instanceSecondsOf(desired), maxInstances: input.policy.maxInstances }, result.timeline.length, prices, opts.fixedSize);
  const spark = sparkline(desired);
  const peak = Math.max(0, ...desired);
  const s = starts(desired);
  const text = [
    `${fn.id}  (cpu ${fn.cpu}, memory ${fn.memory}, instances ${input.policy.minInstances}..${input.policy.maxInstances}, ${input.policy.metric.type} target ${input.policy.metric.target})`,
    `  instances  |${spark.line}|  peak ${peak}; one column = ${plural(spark.secondsPerColumn, "second")} (its peak), blank = zero`,
    `  cold starts  ${plural(s.fromZero, "start")} from zero, ${plural(s.instances, "instance start")} in all${result.timeToZeroSeconds === null ? "; never goes to zero" : `; to zero ${result.timeToZeroSeconds} s after the last activity`}`,
  ];
  const waits = requestWaits(trace, ready);
  if (waits.requests > 0) {
    const w = waits.waited;
    const stats = w.length ? `: p50 <= ${secs(percentile(w, 50))}, max <= ${secs(w[w.length - 1] as number)} (upper bounds: the replay moves in one-second steps)` : "";
    text.push(`  waited for an instance  ${w.length} of ${plural(waits.requests, "request")}${stats}${waits.unserved ? `; ${waits.unserved} found none before the replay ended` : ""}`);
  }
  const backlog = backlogWaits(trace, ready);
  if (backlog) text.push(`  queued with no instance ready  ${secs(backlog.total)} in all, longest ${secs(backlog.longest)}`);
  text.push(`  cost over ${secs(result.timeline.length)}`, ...costLines(cost, input.policy.maxInstances));
  const note = BILLING_NOTES[result.engine];
  if (note !== null) text.push(`  note: ${note}`);
  return { fn, result, trace, cost, text };
}

export async function replay(program: string, opts: ReplayOptions, ctx: ReplayContext): Promise<void> {
  const { io } = ctx;
  const file = readTraceFile(opts.trace); // a bad trace fails before the program loads
  const graph = await ctx.loadGraph(program);
  const { fns, rows } = selectFunctions(graph, file.rows, opts.trace, opts.fn);
  const prices = pricesOf(opts);
  const engine = engineOfBackend(opts.backend);
  for (const fn of fns) {
    for (const d of engineModel(engine).effective(engineInput(graph, fn.id)).diagnostics) io.err(io.diagnosticLine(d));
  }
  const run = (o: ReplayOptions) => fns.map((fn) => replayFunction(graph, fn, traceFor(rows, fn.id), o, prices));
  let replays = run(opts);
  // One window for every function, so their always-on comparisons cover the same time.
  const until = Math.max(...replays.map((r) => r.result.timeline.length));
  if (replays.some((r) => r.result.timeline.length !== until)) replays = run({ ...opts, until });
  io.out(`replay of ${opts.trace} for app ${graph.app.name} on ${opts.backend}${engine === opts.backend ? "" : ` (engine ${engine})`}, seconds 0 to ${until}, cold start ${opts.coldStart ?? 1} s`);
  io.out(`prices: ${prices.vcpuSecond} ${prices.currency} per vCPU-second, ${prices.gibSecond} per GiB-second (${prices.source})`);
  for (const r of replays) io.out(["", ...r.text].join("\n"));
  if (opts.plot !== undefined) {
    const series: PlotSeries[] = replays.map((r) => ({ fn: r.fn.id, desired: r.result.timeline.map((p) => p.instances), ready: r.result.timeline.map((p) => p.ready) }));
    const svg = await plotSvg(series, `${graph.app.name}: instances over time on ${opts.backend} (${opts.trace})`);
    await mkdir(dirname(resolve(opts.plot)), { recursive: true });
    await writeFile(opts.plot, svg);
    io.out(`\nwrote ${opts.plot}`);
  }
}
