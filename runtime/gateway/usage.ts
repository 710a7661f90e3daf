import { performance } from "node:perf_hooks";
import { type FunctionNode, parseQuantityValue } from "../../lib/index.js";
import type { PoolInstance } from "./pool.js";

/**
 * A function's measured resource use, as percent of its requests: CPU = the CPU seconds an
 * instance used between two readings / the wall seconds between them / fn.cpu (cores) x 100;
 * memory = its memory now / fn.memory (bytes) x 100. Each is the average over the ready instances
 * that have a reading (CPU needs two). The gateway calls `measure` once a second for cpu and
 * memory policies only, and reads the latest averages into the next LoadSample.
 */
export class UsageMeter {
  /** Latest average CPU of the ready instances, percent of fn.cpu; null before two readings. */
  cpuPercent: number | null = null;
  /** Latest average memory of the ready instances, percent of fn.memory; null before a reading. */
  memoryPercent: number | null = null;
  private readonly cores: number;
  private readonly memoryBytes: number;
  private readonly previous = new Map<string, { cpuSeconds: number; at: number }>();
  private busy = false;

  constructor(
    fn: FunctionNode,
    private readonly onError: (e: Error) => void = () => {},
  ) {
    this.cores = parseQuantityValue(fn.cpu) ?? 0.25;
    this.memoryBytes = parseQuantityValue(fn.memory) ?? 256 * 2 ** 20;
  }

  /** Read every instance's usage (skipped while the previous reading is still under way). */
  measure(instances: readonly PoolInstance[]): void {
    if (this.busy) return;
    this.busy = true;
    void Promise.all(
      instances.map(async (i) => {
        try {
          return { id: i.id, usage: await i.handle.usage(), at: performance.now() };
        } catch (e) {
          this.onError(e as Error);
          return { id: i.id, usage: null, at: performance.now() };
        }
      }),
    )
      .then((readings) => this.record(readings))
      .finally(() => (this.busy = false));
  }

  private record(readings: readonly { id: string; usage: { cpuSeconds: number; memoryBytes: number } | null; at: number }[]): void {
    const cpu: number[] = [];
    const memory: number[] = [];
    const seen = new Set<string>();
    for (const r of readings) {
      seen.add(r.id);
      if (!r.usage) continue;
      memory.push((r.usage.memoryBytes / this.memoryBytes) * 100);
      const before = this.previous.get(r.id);
      this.previous.set(r.id, { cpuSeconds: r.usage.cpuSeconds, at: r.at });
      const wall = before ? (r.at - before.at) / 1000 : 0;
      if (before && wall > 0.05) cpu.push((Math.max(0, r.usage.cpuSeconds - before.cpuSeconds) / wall / this.cores) * 100);
    }
    for (const id of this.previous.keys()) if (!seen.has(id)) this.previous.delete(id);
    this.cpuPercent = readings.length === 0 ? 0 : cpu.length > 0 ? average(cpu) : null;
    this.memoryPercent = readings.length === 0 ? 0 : memory.length > 0 ? average(memory) : null;
  }
}

function average(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
