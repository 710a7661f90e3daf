// The terminal view of `zeroscale dev`. On a terminal: a table redrawn in place (log-update: only the
// lines that changed are rewritten, no clear-screen flicker), coloured unless NO_COLOR (FORCE_COLOR
// forces it), every line cut to the terminal's width (never wrapped). Per function: instances
// ready/starting/draining, in-flight, buffered, requests, requests/s, errors, p99, cold starts, and one
// status line (the last decision's reason, which carries the idle countdown, or the crash cause).
// Below: problems (the last 5xx, error log line and instance failure per function) and the last scale
// events (changes of the desired count only; countdown ticks never enter the list). Without a
// terminal: the header once and one line per scaling decision, as before.
import cliTruncate from "cli-truncate";
import { createLogUpdate } from "log-update";
import picocolors from "picocolors";
import type { ScaleDecision } from "../lib/engines/types.js";
import type { FunctionStatus } from "../runtime/gateway/gateway.js";
import type { PoolEvent } from "../runtime/gateway/pool.js";
import type { FunctionLiveStats, LogRecord, RequestRecord } from "../runtime/gateway/stats.js";
import { wantsColor } from "./output.js";

/** The colour functions the view styles with (no-ops without colour). */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** Where the view writes: process.stdout, or a fake one in tests. */
export interface ViewStream {
  write(text: string): unknown;
  readonly columns?: number;
  readonly rows?: number;
  readonly isTTY?: boolean;
}

export interface LiveViewOptions {
  /** Redraw in place (a terminal) or print lines (pipes, CI). */
  readonly tty: boolean;
  /** @default process.stdout */
  readonly stream?: ViewStream;
  /** --no-color (false); undefined leaves it to NO_COLOR / FORCE_COLOR / the terminal. @default undefined */
  readonly color?: boolean;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Epoch ms, for the times printed. @default Date.now */
  readonly clock?: () => number;
  /** The last line of the redrawn part (console URL, log file), kept on screen. @default none */
  readonly footer?: string;
}

/** A change of a function's desired instance count. */
export interface ScaleEvent {
  readonly at: number;
  readonly fn: string;
  readonly from: number | null;
  readonly to: number;
  readonly reason: string;
}

/** Something that went wrong, kept per function and kind (the latest wins). */
export interface Problem {
  readonly at: number;
  readonly fn: string;
  readonly kind: "5xx" | "log" | "instance";
  readonly text: string;
}

/** The scale events kept on screen. */
export const SCALE_EVENTS_KEPT = 10;
/** Problem lines shown at most (the most recent first). */
export const PROBLEMS_SHOWN = 8;

/** Everything one frame shows. */
export interface FrameInput {
  readonly status: readonly FunctionStatus[];
  readonly stats: ReadonlyMap<string, FunctionLiveStats>;
  readonly problems: readonly Problem[];
  readonly events: readonly ScaleEvent[];
  readonly footer?: string;
}

/** `12:00:01` (UTC, like the non-terminal decision lines). */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}

function ms(v: number | null): string {
  if (v === null) return "-";
  return v < 1000 ? `${Math.round(v)}ms` : `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)}s`;
}

function rate(v: number): string {
  return v === 0 ? "0" : v < 10 ? v.toFixed(1) : String(Math.round(v));
}

function errorTotal(s: FunctionLiveStats | undefined): number {
  return s ? Object.values(s.errors).reduce((a, b) => a + b, 0) : 0;
}

interface Column {
  readonly head: string;
  readonly width: number;
  /** Plain text (padded by the table) and a colour for it. */
  readonly cell: (f: FunctionStatus, s: FunctionLiveStats | undefined, c: Colors) => readonly [string, (t: string) => string];
}

const plain = (t: string) => t;

const COLUMNS: readonly Column[] = [
  {
    head: "ready/start/drain",
    width: 17,
    cell: (f, _s, c) => {
      const i = f.instances;
      // Coloured per part; the plain text is what is measured.
      const text = `${i.ready}/${i.starting}/${i.draining}`;
      return [text, (t) => t.replace(text, `${(i.ready ? c.green : c.dim)(String(i.ready))}/${(i.starting ? c.yellow : c.dim)(String(i.starting))}/${(i.draining ? c.magenta : c.dim)(String(i.draining))}`)];
    },
  },
  { head: "in-flight", width: 9, cell: (f) => [String(f.inflight), plain] },
  { head: "buffered", width: 8, cell: (f, _s, c) => [String(f.buffered), f.buffered ? c.yellow : plain] },
  { head: "requests", width: 8, cell: (_f, s) => [s ? String(s.requests) : "-", plain] },
  { head: "req/s", width: 6, cell: (_f, s) => [s ? rate(s.rps) : "-", plain] },
  { head: "errors", width: 6, cell: (_f, s, c) => [s ? String(errorTotal(s)) : "-", errorTotal(s) ? c.red : plain] },
  { head: "p99", width: 7, cell: (_f, s) => [s ? ms(s.p99Ms) : "-", plain] },
  { head: "cold starts", width: 13, cell: (_f, s, c) => [s ? (s.coldStarts ? `${s.coldStarts} (${ms(s.lastColdStartMs)})` : "0") : "-", s?.coldStarts ? c.cyan : plain] },
];

/** One function's status line: the crash cause or problem, else the last decision (its reason carries the countdown). */
function statusLine(f: FunctionStatus, c: Colors): string {
  if (f.state === "crash-looping") return c.red(c.bold(f.error ?? "crash-looping"));
  if (f.error) return c.red(f.error);
  if (f.last) return `${f.state === "at-zero" ? "at zero" : f.state}, ${f.last.desired} wanted: ${c.dim(f.last.reason)}`;
  return f.state === "at-zero" ? "at zero" : f.state;
}

/** Fit a line to `width` columns (ANSI-aware): cut, never wrapped. */
function fit(line: string, width: number): string {
  return cliTruncate(line, Math.max(1, width), { position: "end" });
}

/**
 * The height of the redrawn part: room for every function (two lines each), the problems and the scale
 * events kept, within the terminal's rows (one is log-update's). Constant while the terminal keeps its
 * size, so a redraw rewrites lines in place and never shifts the ones below (log-update 7 redraws only
 * the changed block of lines, and mis-draws a frame whose middle grows: it overwrites the unchanged
 * lines below instead of moving them down).
 */
export function frameHeight(functions: number, rows: number): number {
  return Math.max(1, Math.min(rows - 1, 1 + 2 * functions + (2 + PROBLEMS_SHOWN) + (2 + SCALE_EVENTS_KEPT) + 2));
}

/**
 * The redrawn part of the view: exactly `height` lines (more only when the table alone is taller),
 * each at most `width` columns; when short of room the oldest scale events, then the oldest problems,
 * are left out.
 */
export function renderFrame(input: FrameInput, width: number, height: number, c: Colors): string[] {
  const idWidth = Math.max(8, Math.min(Math.max(8, ...input.status.map((f) => f.id.length)), Math.floor(width * 0.35)));
  const head = [`  ${"function".padEnd(idWidth)}`, ...COLUMNS.map((col) => col.head.padStart(col.width))].join(" ");
  const table = [c.bold(head)];
  for (const f of input.status) {
    const s = input.stats.get(f.id);
    const id = cliTruncate(f.id, idWidth, { position: "middle" }).padEnd(idWidth);
    const cells = COLUMNS.map((col) => {
      const [text, colour] = col.cell(f, s, c);
      return colour(text.padStart(col.width));
    });
    table.push([`  ${f.state === "crash-looping" || f.error ? c.red(id) : c.bold(id)}`, ...cells].join(" "));
    table.push(`    ${statusLine(f, c)}`);
  }
  const problems = input.problems.map((p) => {
    const s = p.kind === "5xx" ? input.stats.get(p.fn) : undefined;
    const byCode = s ? Object.entries(s.errors).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} x${n}`) : [];
    const text = byCode.length ? `${p.text}; ${byCode.join(", ")} since start` : p.text;
    return `  ${c.red("!")} ${c.dim(clockTime(p.at))} ${c.bold(p.fn)} ${p.kind === "log" ? text : c.red(text)}`;
  });
  const events = input.events.map((e) => {
    const arrow = e.from === null ? `-> ${e.to}` : `${e.from} -> ${e.to}`;
    const colour = e.from === null || e.to > e.from ? c.green : c.yellow;
    return `  ${c.dim(clockTime(e.at))} ${e.fn} ${colour(arrow)} ${c.dim(`(${e.reason})`)}`;
  });
  const footer = input.footer ? ["", c.dim(input.footer)] : [];
  // Fit the height: leave out the oldest scale events, then the oldest problems; pad above the footer.
  let ev = events.length;
  let pr = problems.length;
  const used = () => table.length + (pr ? 2 + pr : 0) + 2 + Math.max(1, ev) + footer.length;
  while (used() > height && ev > 0) ev--;
  while (used() > height && pr > 0) pr--;
  const shownEvents = events.slice(events.length - ev);
  const out = [
    ...table,
    ...(pr ? ["", c.bold(c.red("  problems:")), ...problems.slice(0, pr)] : []),
    "",
    c.bold(`  scale events${ev < events.length ? ` (last ${ev} of ${events.length})` : ""}:`),
    ...(shownEvents.length ? shownEvents : events.length ? [] : [c.dim("    none yet")]),
  ];
  while (out.length + footer.length < height) out.push("");
  out.push(...footer);
  return out.map((l) => fit(l, width));
}

/** A stack-trace frame or blank line: not worth showing as a function's last error line. */
function isNoise(line: string): boolean {
  return /^\s*$/.test(line) || /^\s+at\s/.test(line) || /^\s*\^+\s*$/.test(line) || /^Node\.js v\d/.test(line);
}

const ERROR_LEVELS = new Set(["warn", "error", "fatal"]);

/** The terminal view: redrawn in place on a TTY, one line per scaling decision otherwise. */
export class LiveView {
  private readonly stream: ViewStream;
  private readonly colors: Colors;
  private readonly clock: () => number;
  private readonly update: ReturnType<typeof createLogUpdate> | undefined;
  private readonly events: ScaleEvent[] = [];
  private readonly desired = new Map<string, number>();
  private readonly problems = new Map<string, Problem>();
  private printedHeader = false;
  private stopped = false;
  private lastHeight = 0;

  constructor(
    private readonly header: readonly string[],
    private readonly opts: LiveViewOptions,
  ) {
    this.stream = opts.stream ?? process.stdout;
    this.clock = opts.clock ?? Date.now;
    this.colors = picocolors.createColors(opts.tty && wantsColor({ isTTY: this.stream.isTTY } as NodeJS.WriteStream, opts.color, opts.env ?? process.env));
    // log-update sees the stream's size as this view does (a terminal that reports 0 x 0, e.g. a bare pty, counts as 80 x 24).
    const stream = this.stream;
    const sized = { isTTY: stream.isTTY, write: (t: string) => stream.write(t), get columns() { return stream.columns || 80; }, get rows() { return stream.rows || 24; } };
    this.update = opts.tty ? createLogUpdate(sized as unknown as NodeJS.WriteStream, { showCursor: stream !== process.stdout }) : undefined;
  }

  /** A scaling decision: a change of the desired count becomes a scale event; other decisions only update the status line. */
  decision(d: ScaleDecision): void {
    if (!this.opts.tty) {
      this.stream.write(`${clockTime(this.clock())} ${d.function} -> ${d.desired} (${d.reason}${d.panicking ? ", panicking" : ""})\n`);
      return;
    }
    const from = this.desired.get(d.function) ?? null;
    this.desired.set(d.function, d.desired);
    if (from === d.desired) return;
    this.events.push({ at: this.clock(), fn: d.function, from, to: d.desired, reason: `${d.reason}${d.panicking ? ", panicking" : ""}` });
    if (this.events.length > SCALE_EVENTS_KEPT) this.events.shift();
  }

  /** An instance event: a failed start or an unexpected exit is kept as the function's instance problem. */
  instance(e: PoolEvent): void {
    if (e.type !== "instance") return;
    if (e.state === "failed" || e.reason?.startsWith("exited unexpectedly")) this.problem(e.fn, "instance", `instance ${e.id} ${e.state}${e.reason ? `: ${e.reason}` : ""}`);
  }

  /** A request answered: a 5xx is kept as the function's last server error. */
  request(r: RequestRecord): void {
    if (r.status >= 500) this.problem(r.fn, "5xx", `${r.method} ${r.path} -> ${r.status} in ${ms(r.ms)}`, r.at);
  }

  /** A function's log line: one at warn or above (stderr by default) is kept as its last error line. */
  log(r: LogRecord): void {
    if (ERROR_LEVELS.has(r.level) && !isNoise(r.line)) this.problem(r.fn, "log", `${r.stream}: ${summarizeLine(r.line)}`, r.at);
  }

  private problem(fn: string, kind: Problem["kind"], text: string, at = this.clock()): void {
    const key = `${fn}\0${kind}`;
    this.problems.delete(key); // re-inserted last: the map's order is recency
    this.problems.set(key, { at, fn, kind, text });
  }

  /** A message line (stopping, stopped): the frame stays on screen above it. */
  say(text: string): void {
    if (this.update && !this.stopped) {
      this.update.done();
      this.stopped = true;
    }
    this.stream.write(`${text}\n`);
  }

  /** Redraw (a terminal) or print the header once (otherwise). */
  render(status: readonly FunctionStatus[], stats: readonly FunctionLiveStats[] = []): void {
    if (!this.printedHeader) {
      // On a terminal cut to its width like the rest (the full lines are in the log file).
      const lines = this.update ? this.header.map((l) => fit(l, this.stream.columns || 80)) : this.header;
      this.stream.write(`${lines.join("\n")}\n`);
      this.printedHeader = true;
    }
    if (!this.update || this.stopped) return;
    for (const f of status) if (!this.desired.has(f.id)) this.desired.set(f.id, f.desired);
    const lines = this.frame(status, stats);
    // A new height (the terminal was resized): erase the old frame whole, so the diff starts afresh.
    if (lines.length !== this.lastHeight) this.update.clear();
    this.lastHeight = lines.length;
    this.update(lines.join("\n"));
  }

  /** The current frame's lines (what render draws). */
  frame(status: readonly FunctionStatus[], stats: readonly FunctionLiveStats[] = []): string[] {
    const problems = [...this.problems.values()].reverse().slice(0, PROBLEMS_SHOWN);
    const width = this.stream.columns || 80;
    const height = frameHeight(status.length, this.stream.rows || 24);
    return renderFrame({ status, stats: new Map(stats.map((s) => [s.fn, s])), problems, events: this.events, ...(this.opts.footer ? { footer: this.opts.footer } : {}) }, width, height, this.colors);
  }
}

/** What a function's log line says: its level and message when it is a JSON log object (pino numeric or a level name), else the line. */
export interface ParsedLine {
  /** A pino level name, or undefined for a plain line. */
  readonly level: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | undefined;
  readonly msg: string;
  /** The object's other fields (JSON lines only). */
  readonly data?: Readonly<Record<string, unknown>>;
}

const PINO_LEVELS: Readonly<Record<string, ParsedLine["level"]>> = {
  "10": "trace", "20": "debug", "30": "info", "40": "warn", "50": "error", "60": "fatal",
  trace: "trace", debug: "debug", info: "info", notice: "info", warn: "warn", warning: "warn", error: "error", err: "error", fatal: "fatal", critical: "fatal", crit: "fatal", panic: "fatal",
};

export function parseFunctionLine(line: string): ParsedLine {
  if (!line.startsWith("{")) return { level: undefined, msg: line };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { level: undefined, msg: line };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { level: undefined, msg: line };
  const { level, msg, message, time, pid, hostname, ...data } = value as Record<string, unknown>;
  void time, pid, hostname; // the dev log has its own
  const text = typeof msg === "string" ? msg : typeof message === "string" ? message : "";
  return { level: PINO_LEVELS[String(level).toLowerCase()], msg: text, ...(Object.keys(data).length ? { data } : {}) };
}

/** One readable line for a function's log line: a JSON log's message and the first line of its error, else the line. */
export function summarizeLine(line: string): string {
  const p = parseFunctionLine(line);
  if (p.level === undefined && !p.data) return line.trim();
  const err = p.data?.["error"] ?? p.data?.["err"];
  const first = typeof err === "string" ? err.split("\n")[0] : typeof err === "object" && err !== null && typeof (err as { message?: unknown }).message === "string" ? (err as { message: string }).message : undefined;
  return [p.msg, first].filter((s) => s).join(": ") || line.trim();
}
