// The trace files of `zeroscale replay --trace <file>`: CSV or JSON rows of request arrivals,
// constant-rate segments and queue depth, each optionally for one function. A bad file is a flag
// diagnostic (exit 2, ZS-CLI-TRACE-FILE) naming the file, the line (CSV) or entry (JSON), the column,
// the value and what is allowed.
import { readFileSync } from "node:fs";
import type { Trace } from "../lib/engines/replay.js";
import { assertNever } from "../lib/vocabulary.js";
import { FlagError, flagError } from "./flags.js";

/** The columns of a CSV trace (the keys of a JSON row). */
export const TRACE_COLUMNS = ["fn", "at", "count", "duration", "to", "rps", "depth"] as const;
type Column = (typeof TRACE_COLUMNS)[number];

/** Seconds a request lasts when its row gives no `duration`. */
export const DEFAULT_REQUEST_SECONDS = 0.1;

/** What a row may be: one line of help, the same for CSV and JSON. */
export const TRACE_ROWS =
  "rows are requests (at[,count][,duration]), a constant rate (at,to,rps[,duration]) or a queue depth (at,depth), each with an optional fn; at/to/duration in seconds";

/** One row of a trace, read and checked. */
export type TraceRow =
  | { readonly kind: "requests"; readonly fn: string | null; readonly at: number; readonly count: number; readonly duration: number }
  | { readonly kind: "rate"; readonly fn: string | null; readonly from: number; readonly to: number; readonly rps: number; readonly duration: number }
  | { readonly kind: "depth"; readonly fn: string | null; readonly at: number; readonly value: number };

/** A trace file: its rows in file order. */
export interface TraceFile {
  readonly file: string;
  readonly rows: readonly TraceRow[];
}

const CODE = "ZS-CLI-TRACE-FILE";

/** A problem at a place in the file (`trace.csv:4`, `trace.json: [3]`). */
function rowError(where: string, column: string, value: unknown, problem: string, fix: string = TRACE_ROWS): FlagError {
  return new FlagError({ severity: "error", code: CODE, path: where, prop: column, ...(value === undefined ? {} : { value }), problem, fix });
}

/** Read and check a trace file (`.json`, or CSV otherwise). */
export function readTraceFile(file: string): TraceFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw flagError("replay", "--trace", file, code === "ENOENT" ? "names no file" : code === "EISDIR" ? "is a folder" : `cannot be read (${code ?? (e as Error).message})`, "give a CSV or JSON trace file (docs/replay.md describes them)", CODE);
  }
  return { file, rows: /\.json$/i.test(file) ? parseJsonTrace(text, file) : parseCsvTrace(text, file) };
}

/** A cell: a finite number >= 0 (`whole`: a whole number >= 1). */
function numberCell(where: string, column: Column, raw: unknown, whole = false): number {
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (whole ? !(Number.isSafeInteger(n) && n >= 1) : !(Number.isFinite(n) && n >= 0)) {
    throw rowError(where, column, raw, whole ? "is not a whole number >= 1" : `is not a number${column === "rps" || column === "depth" ? "" : " of seconds"} >= 0`);
  }
  return n;
}

/** Classify and check one row, given as its non-empty cells. */
function row(where: string, cells: Partial<Record<Column, unknown>>): TraceRow {
  const has = (c: Column) => cells[c] !== undefined;
  const fnCell = cells.fn;
  if (fnCell !== undefined && (typeof fnCell !== "string" || fnCell.trim() === "")) throw rowError(where, "fn", fnCell, "is not a function id", "name a function, e.g. api or orders/api");
  const fn = typeof fnCell === "string" ? fnCell.trim() : null;
  if (!has("at")) throw rowError(where, "at", undefined, "is required: every row starts at a second");
  const at = numberCell(where, "at", cells.at);
  const extra = (allowed: readonly Column[], what: string) => {
    const bad = TRACE_COLUMNS.find((c) => has(c) && c !== "fn" && c !== "at" && !allowed.includes(c));
    if (bad) throw rowError(where, bad, cells[bad], `does not belong in a ${what} row`);
  };
  if (has("rps")) {
    extra(["to", "rps", "duration"], "constant-rate");
    if (!has("to")) throw rowError(where, "to", undefined, "is required: a constant-rate row runs from at to to");
    const to = numberCell(where, "to", cells.to);
    if (to <= at) throw rowError(where, "to", cells.to, `is not after at (${at})`);
    const rps = numberCell(where, "rps", cells.rps);
    if (rps <= 0) throw rowError(where, "rps", cells.rps, "is not above 0");
    return { kind: "rate", fn, from: at, to, rps, duration: has("duration") ? numberCell(where, "duration", cells.duration) : DEFAULT_REQUEST_SECONDS };
  }
  if (has("depth")) {
    extra(["depth"], "queue-depth");
    return { kind: "depth", fn, at, value: numberCell(where, "depth", cells.depth) };
  }
  extra(["count", "duration"], "requests");
  if (has("to")) throw rowError(where, "to", cells.to, "needs rps (a constant-rate row is at,to,rps)");
  return { kind: "requests", fn, at, count: has("count") ? numberCell(where, "count", cells.count, true) : 1, duration: has("duration") ? numberCell(where, "duration", cells.duration) : DEFAULT_REQUEST_SECONDS };
}

/** A CSV trace: a header of TRACE_COLUMNS, then one row a line; blank lines and lines starting with # are skipped. */
export function parseCsvTrace(text: string, file: string): TraceRow[] {
  const lines = text.split(/\r?\n/);
  let header: Column[] | null = null;
  const rows: TraceRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "" || line.startsWith("#")) continue;
    const where = `${file}:${i + 1}`;
    if (line.includes('"')) throw rowError(where, "(line)", line, "has a quote; trace cells are plain numbers and function ids", "remove the quotes");
    const cells = line.split(",").map((c) => c.trim());
    if (header === null) {
      for (const c of cells) {
        if (!(TRACE_COLUMNS as readonly string[]).includes(c)) throw rowError(where, "(header)", c, `is not a column; the first line names the columns, of ${TRACE_COLUMNS.join(", ")}`);
      }
      const dup = cells.find((c, j) => cells.indexOf(c) !== j);
      if (dup !== undefined) throw rowError(where, "(header)", dup, "is named twice");
      if (!cells.includes("at")) throw rowError(where, "(header)", line, "has no at column", `name the columns first, e.g. "at,count,duration"; ${TRACE_ROWS}`);
      header = cells as Column[];
      continue;
    }
    if (cells.length > header.length) throw rowError(where, "(line)", line, `has ${cells.length} cells, but the header names ${header.length} (${header.join(",")})`);
    const record: Partial<Record<Column, unknown>> = {};
    header.forEach((c, j) => {
      const v = cells[j];
      if (v !== undefined && v !== "") record[c] = v;
    });
    rows.push(row(where, record));
  }
  if (header === null) throw flagError("replay", "--trace", file, "has no header line", `write one naming the columns, then the rows, e.g. "at,count" then "0,5"; ${TRACE_ROWS}`, CODE);
  return rows;
}

/**
 * A JSON trace: an array of rows (objects with the CSV columns as keys), or an object of
 * `requests` ({ at, count?, duration?, fn? }), `rate` ({ at, to, rps, duration?, fn? }) and `depth` ({ at, depth, fn? }) arrays.
 */
export function parseJsonTrace(text: string, file: string): TraceRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw flagError("replay", "--trace", file, `is not valid JSON (${(e as Error).message})`, `write an array of rows, e.g. [{ "at": 0, "count": 5 }]; ${TRACE_ROWS}`, CODE);
  }
  const entries: [string, unknown, Column | null][] = [];
  if (Array.isArray(data)) data.forEach((r, i) => entries.push([`[${i}]`, r, null]));
  else if (typeof data === "object" && data !== null) {
    for (const [key, list] of Object.entries(data)) {
      const must: Column | undefined = ({ requests: "at", rate: "rps", depth: "depth" } as Record<string, Column>)[key];
      if (must === undefined) throw rowError(file, "(key)", key, "is not a trace key", `use requests, rate and depth arrays, or an array of rows; ${TRACE_ROWS}`);
      if (!Array.isArray(list)) throw rowError(file, key, list, "is not an array");
      list.forEach((r, i) => entries.push([`${key}[${i}]`, r, must]));
    }
  } else throw flagError("replay", "--trace", file, `holds ${data === null ? "null" : `a ${typeof data}`}, not an array of rows or an object of requests, rate and depth arrays`, TRACE_ROWS, CODE);
  return entries.map(([at, r, must]) => {
    const where = `${file}: ${at}`;
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw rowError(where, "(row)", r, "is not an object");
    const cells: Partial<Record<Column, unknown>> = {};
    for (const [k, v] of Object.entries(r)) {
      if (!(TRACE_COLUMNS as readonly string[]).includes(k)) throw rowError(where, k, v, `is not a row key (keys: ${TRACE_COLUMNS.join(", ")})`);
      if (v !== null && v !== undefined) cells[k as Column] = v;
    }
    if (must !== null && must !== "at" && cells[must] === undefined) throw rowError(where, must, undefined, "is required");
    const parsed = row(where, cells);
    const misplaced: Column = parsed.kind === "rate" ? "rps" : "depth";
    if (must === "at" && parsed.kind !== "requests") throw rowError(where, misplaced, cells[misplaced], "does not belong in a requests entry", "move the entry to rate or depth");
    return parsed;
  });
}

/** The rows of one function (its own and those without fn) as an engine replay trace. */
export function traceFor(rows: readonly TraceRow[], fn: string | null): Trace {
  const requests: { at: number; duration: number }[] = [];
  const rate: { from: number; to: number; rps: number; duration: number }[] = [];
  const depth: { at: number; value: number }[] = [];
  for (const r of rows) {
    if (r.fn !== null && r.fn !== fn) continue;
    switch (r.kind) {
      case "requests":
        for (let i = 0; i < r.count; i++) requests.push({ at: r.at, duration: r.duration });
        break;
      case "rate":
        rate.push({ from: r.from, to: r.to, rps: r.rps, duration: r.duration });
        break;
      case "depth":
        depth.push({ at: r.at, value: r.value });
        break;
      default:
        assertNever(r, "trace row");
    }
  }
  return { ...(requests.length ? { requests } : {}), ...(rate.length ? { rate } : {}), ...(depth.length ? { depth } : {}) };
}

/** The request arrivals of a trace (rate segments expanded the way the engine replay does), sorted. */
export function arrivalsOf(trace: Trace): number[] {
  const out = (trace.requests ?? []).map((r) => r.at);
  for (const seg of trace.rate ?? []) {
    const n = Math.round((seg.to - seg.from) * seg.rps);
    for (let i = 0; i < n; i++) out.push(seg.from + i / seg.rps);
  }
  return out.sort((a, b) => a - b);
}
