// Small helpers shared by the benchmark scripts: order statistics, wrk's output, CPU time from /proc.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Median (upper middle for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

/** Nearest-rank percentile, q in [0, 1]; NaN for none. */
export function pct(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}

export const min = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : Math.min(...xs));

/** One wrk run, as parsed from `wrk --latency` output. Latencies in ms. */
export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly socketErrors: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: cannot read the duration ${JSON.stringify(text)}`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** Parse `wrk --latency` stdout; throws on output it does not recognise. */
export function parseWrk(out: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const p50 = /^\s+50%\s+(\S+)$/m.exec(out);
  const p99 = /^\s+99%\s+(\S+)$/m.exec(out);
  if (!total || !rps || !p50 || !p99) throw new Error(`wrk: unexpected output:\n${out}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests: Number(total[1]),
    seconds: duration(`${total[2]}${total[3]}`) / 1000,
    rps: Number(rps[1]),
    p50: duration(p50[1] as string),
    p99: duration(p99[1] as string),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? sock.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
  };
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime. */
export function clockTicks(): number {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const n = Number(r.stdout.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
}

/** User + system CPU of a process (all its threads), in clock ticks; 0 when it is gone. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after "(comm)": state is [0]; utime is the 14th field of the line, i.e. [11] here; stime [12].
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The pids of a process's descendants whose command name is `comm` (e.g. haproxy, nginx). */
export function descendants(root: number, comm?: string): number[] {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const open = stat.indexOf("(");
      const close = stat.lastIndexOf(")");
      name.set(Number(entry), stat.slice(open + 1, close));
      parent.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  for (const [pid] of parent) {
    let p = parent.get(pid);
    while (p !== undefined && p !== 0 && p !== root) p = parent.get(p);
    if (p === root && (comm === undefined || name.get(pid) === comm)) out.push(pid);
  }
  return out.sort((a, b) => a - b);
}
