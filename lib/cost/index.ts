// The cost view: what a function's instance-seconds cost, against keeping it always on. Pure, no I/O.
import { parseQuantity } from "../validation/checker.js";

/** Prices per second of resources held by an instance. */
export interface Prices {
  /** Price of one vCPU held for one second. */
  readonly vcpuSecond: number;
  /** Price of one GiB of memory held for one second. */
  readonly gibSecond: number;
  /** Price of one million requests (not used by {@link costReport}: always-on pays it too). @default undefined */
  readonly requestMillion?: number;
  readonly currency: "USD";
  /** Where the prices come from: the cited list and the date it was read. */
  readonly source: string;
}

/**
 * Google Cloud Run, request-based billing ("CPU only allocated during request processing"), Tier 1 regions,
 * beyond the free tier: $0.000024 per vCPU-second, $0.0000025 per GiB-second, $0.40 per million requests.
 * Source: https://cloud.google.com/run/pricing (pricing table "Pricing for regions in Tier 1", looked up
 * 2026-12-02). Prices change: pass your own with `--price-vcpu-second` / `--price-gib-second`.
 */
export const DEFAULT_PRICES: Prices = Object.freeze({
  vcpuSecond: 0.000024,
  gibSecond: 0.0000025,
  requestMillion: 0.4,
  currency: "USD",
  source: "Google Cloud Run request-based billing, Tier 1 (https://cloud.google.com/run/pricing, looked up 2026-12-02)",
});

/** What one function used: its size per instance and the integral of its instances over time. */
export interface FunctionUsage {
  readonly fn: string;
  /** vCPUs of one instance (its `cpu`). */
  readonly vcpu: number;
  /** GiB of memory of one instance (its `memory`). */
  readonly memoryGiB: number;
  /** The integral of the instance count over time (starting + ready + draining), seconds. */
  readonly instanceSeconds: number;
  /** The function's maxInstances (always-on at peak). */
  readonly maxInstances: number;
}

/** One way of running the function over the period, and what it costs. */
export interface CostLine {
  readonly instanceSeconds: number;
  readonly vcpuSeconds: number;
  readonly gibSeconds: number;
  /** In the prices' currency. */
  readonly cost: number;
}

/** A function's cost over a period: scaled as it did, always on at maxInstances, always on at a fixed size. */
export interface CostReport {
  readonly fn: string;
  readonly elapsedSeconds: number;
  readonly actual: CostLine;
  readonly alwaysOnMax: CostLine;
  readonly alwaysOnFixed: CostLine & { readonly size: number };
  /** How much cheaper `actual` is than `alwaysOnMax`, percent (0 when always-on costs nothing; negative if actual used more). */
  readonly savedVsMaxPercent: number;
  /** How much cheaper `actual` is than `alwaysOnFixed`, percent (negative when the function needed more than the fixed size). */
  readonly savedVsFixedPercent: number;
}

function line(instanceSeconds: number, vcpu: number, memoryGiB: number, prices: Prices): CostLine {
  const vcpuSeconds = instanceSeconds * vcpu;
  const gibSeconds = instanceSeconds * memoryGiB;
  return { instanceSeconds, vcpuSeconds, gibSeconds, cost: vcpuSeconds * prices.vcpuSecond + gibSeconds * prices.gibSecond };
}

function saved(actual: number, other: number): number {
  return other > 0 ? ((other - actual) / other) * 100 : 0;
}

/**
 * The cost of `u` over `elapsedSeconds`, against always-on at its maxInstances and at `fixedSize` instances.
 * @param prices @default DEFAULT_PRICES
 * @param fixedSize instances of the fixed-size comparison @default 1
 */
export function costReport(u: FunctionUsage, elapsedSeconds: number, prices: Prices = DEFAULT_PRICES, fixedSize = 1): CostReport {
  if (!(elapsedSeconds >= 0) || !Number.isFinite(elapsedSeconds)) throw new RangeError(`elapsedSeconds must be a finite number >= 0, not ${elapsedSeconds}`);
  if (!(fixedSize >= 0) || !Number.isFinite(fixedSize)) throw new RangeError(`fixedSize must be a finite number >= 0, not ${fixedSize}`);
  if (!(u.instanceSeconds >= 0)) throw new RangeError(`instanceSeconds must be >= 0, not ${u.instanceSeconds}`);
  const actual = line(u.instanceSeconds, u.vcpu, u.memoryGiB, prices);
  const alwaysOnMax = line(elapsedSeconds * u.maxInstances, u.vcpu, u.memoryGiB, prices);
  const alwaysOnFixed = { ...line(elapsedSeconds * fixedSize, u.vcpu, u.memoryGiB, prices), size: fixedSize };
  return {
    fn: u.fn,
    elapsedSeconds,
    actual,
    alwaysOnMax,
    alwaysOnFixed,
    savedVsMaxPercent: saved(actual.cost, alwaysOnMax.cost),
    savedVsFixedPercent: saved(actual.cost, alwaysOnFixed.cost),
  };
}

/** vCPUs of a Kubernetes CPU quantity ("1" -> 1, "250m" -> 0.25). Throws on a quantity that is not one. */
export function vcpuOf(cpu: string): number {
  const v = parseQuantity(cpu);
  if (v === undefined) throw new RangeError(`"${cpu}" is not a CPU quantity (e.g. "1", "500m")`);
  return v;
}

/** GiB of a Kubernetes memory quantity ("512Mi" -> 0.5, "1Gi" -> 1, "1G" -> 0.93). Throws on a quantity that is not one. */
export function memoryGiBOf(memory: string): number {
  const v = parseQuantity(memory);
  if (v === undefined) throw new RangeError(`"${memory}" is not a memory quantity (e.g. "512Mi", "1Gi")`);
  return v / 2 ** 30;
}

/** The integral of a 1-second-step instance series: each point holds `step` seconds. */
export function instanceSecondsOf(instances: readonly number[], step = 1): number {
  let sum = 0;
  for (const n of instances) sum += n * step;
  return sum;
}
