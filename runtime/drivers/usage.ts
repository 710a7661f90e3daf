import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import type Docker from "dockerode";
import type { InstanceUsage } from "./types.js";

let clockTick: number | undefined;

/** Clock ticks per second for /proc/<pid>/stat times (`getconf CLK_TCK`, once; 100 on Linux). */
export function clockTicksPerSecond(): number {
  if (clockTick === undefined) {
    try {
      const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 2000 }).trim());
      clockTick = Number.isFinite(n) && n > 0 ? n : 100;
    } catch {
      clockTick = 100;
    }
  }
  return clockTick;
}

/** One process's /proc/<pid>/stat: parent, and CPU ticks (utime + stime + cutime + cstime: its own and its reaped children's). */
async function procStat(pid: number): Promise<{ ppid: number; ticks: number } | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    const f = (n: number) => Number(fields[n - 3]);
    return { ppid: f(4), ticks: f(14) + f(15) + f(16) + f(17) };
  } catch {
    return null;
  }
}

async function rssBytes(pid: number): Promise<number> {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

let tree: { at: number; parents: Promise<Map<number, number[]>> } | undefined;

/** pid -> child pids, from the ppid of every /proc entry; one scan serves every instance for 500 ms. */
function processParents(): Promise<Map<number, number[]>> {
  const now = Date.now();
  if (tree && now - tree.at < 500) return tree.parents;
  const parents = (async () => {
    const map = new Map<number, number[]>();
    let entries: string[];
    try {
      entries = (await readdir("/proc")).filter((e) => /^\d+$/.test(e));
    } catch {
      return map;
    }
    await Promise.all(
      entries.map(async (e) => {
        const pid = Number(e);
        const st = await procStat(pid);
        if (!st) return;
        const list = map.get(st.ppid);
        if (list) list.push(pid);
        else map.set(st.ppid, [pid]);
      }),
    );
    return map;
  })();
  tree = { at: now, parents };
  return parents;
}

/** The live descendants of `root` (children of children...). */
async function descendants(root: number): Promise<number[]> {
  const parents = await processParents();
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const child of parents.get(stack.pop() as number) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}

/**
 * A process tree's usage from /proc: CPU = (utime + stime + cutime + cstime) / CLK_TCK summed over the
 * process and its live descendants, memory = the sum of their VmRSS. Null when the process is gone or
 * there is no /proc (not Linux). `withChildren: false` skips the /proc scan for a process known not
 * to have children (it is then only the root).
 */
export async function processTreeUsage(pid: number, withChildren = true): Promise<InstanceUsage | null> {
  const root = await procStat(pid);
  if (!root) return null;
  const pids = withChildren ? [pid, ...(await descendants(pid))] : [pid];
  const stats = await Promise.all(pids.map(async (p) => ({ st: p === pid ? root : await procStat(p), rss: await rssBytes(p) })));
  let ticks = 0;
  let memoryBytes = 0;
  for (const { st, rss } of stats) {
    if (!st) continue;
    ticks += st.ticks;
    memoryBytes += rss;
  }
  return { cpuSeconds: ticks / clockTicksPerSecond(), memoryBytes };
}

/** The subset of Docker's stats the gateway reads. */
interface DockerStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/**
 * A container's usage from the engine (`GET /containers/<id>/stats?stream=false&one-shot=true`):
 * cpu_stats.cpu_usage.total_usage (ns) and memory_stats.usage less the inactive page cache (as
 * `docker stats` shows it). Null when the container is not running.
 */
export async function containerUsage(container: Docker.Container): Promise<InstanceUsage | null> {
  try {
    const s = (await container.stats({ stream: false, "one-shot": true })) as DockerStats;
    const total = s.cpu_stats?.cpu_usage?.total_usage;
    const usage = s.memory_stats?.usage;
    if (total === undefined || usage === undefined) return null;
    const st = s.memory_stats?.stats ?? {};
    const cache = st["inactive_file"] ?? st["total_inactive_file"] ?? 0;
    return { cpuSeconds: total / 1e9, memoryBytes: Math.max(0, usage - cache) };
  } catch {
    return null;
  }
}
