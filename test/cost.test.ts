// The cost model (lib/cost): known numbers, the quantity helpers, and properties over any usage.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { costReport, DEFAULT_PRICES, instanceSecondsOf, memoryGiBOf, type Prices, vcpuOf } from "../lib/cost/index.js";

const prices: Prices = { vcpuSecond: 0.00002, gibSecond: 0.000002, currency: "USD", source: "test" };

describe("costReport", () => {
  it("prices instance-seconds by vCPU and GiB, and compares with always-on", () => {
    const r = costReport({ fn: "api", vcpu: 2, memoryGiB: 0.5, instanceSeconds: 100, maxInstances: 10 }, 1000, prices, 2);
    expect(r.actual).toEqual({ instanceSeconds: 100, vcpuSeconds: 200, gibSeconds: 50, cost: 200 * 0.00002 + 50 * 0.000002 });
    expect(r.alwaysOnMax.instanceSeconds).toBe(10_000);
    expect(r.alwaysOnMax.cost).toBeCloseTo(20_000 * 0.00002 + 5000 * 0.000002, 12);
    expect(r.alwaysOnFixed).toMatchObject({ size: 2, instanceSeconds: 2000, vcpuSeconds: 4000, gibSeconds: 1000 });
    expect(r.savedVsMaxPercent).toBeCloseTo(99, 9);
    expect(r.savedVsFixedPercent).toBeCloseTo(95, 9);
  });

  it("defaults to Cloud Run's published prices and a fixed size of 1", () => {
    expect(DEFAULT_PRICES).toMatchObject({ vcpuSecond: 0.000024, gibSecond: 0.0000025, currency: "USD" });
    expect(DEFAULT_PRICES.source).toContain("https://cloud.google.com/run/pricing");
    const r = costReport({ fn: "f", vcpu: 1, memoryGiB: 1, instanceSeconds: 0, maxInstances: 3 }, 3600);
    expect(r.alwaysOnFixed.size).toBe(1);
    expect(r.alwaysOnFixed.cost).toBeCloseTo(3600 * (0.000024 + 0.0000025), 12);
    expect(r.actual.cost).toBe(0);
    expect(r.savedVsMaxPercent).toBe(100);
  });

  it("reports a negative saving when the function used more than the fixed size", () => {
    const r = costReport({ fn: "f", vcpu: 1, memoryGiB: 1, instanceSeconds: 300, maxInstances: 5 }, 100, prices, 1);
    expect(r.savedVsFixedPercent).toBeCloseTo(-200, 9);
    expect(r.savedVsMaxPercent).toBeCloseTo(40, 9);
  });

  it("saves nothing (0 %, not NaN) when always-on costs nothing", () => {
    const r = costReport({ fn: "f", vcpu: 1, memoryGiB: 1, instanceSeconds: 0, maxInstances: 0 }, 0, prices, 0);
    expect(r.savedVsMaxPercent).toBe(0);
    expect(r.savedVsFixedPercent).toBe(0);
  });

  it("rejects negative or non-finite inputs", () => {
    const u = { fn: "f", vcpu: 1, memoryGiB: 1, instanceSeconds: 1, maxInstances: 1 };
    expect(() => costReport(u, -1)).toThrow(RangeError);
    expect(() => costReport(u, Number.NaN)).toThrow(RangeError);
    expect(() => costReport(u, 1, prices, -1)).toThrow(RangeError);
    expect(() => costReport({ ...u, instanceSeconds: -1 }, 1)).toThrow(RangeError);
  });

  it("property: actual <= alwaysOnMax and 0 <= savedVsMax <= 100 whenever instanceSeconds <= elapsed * max", () => {
    fc.assert(
      fc.property(
        fc.record({
          vcpu: fc.double({ min: 0.01, max: 64, noNaN: true }),
          memoryGiB: fc.double({ min: 0.01, max: 256, noNaN: true }),
          maxInstances: fc.integer({ min: 1, max: 1000 }),
          elapsed: fc.double({ min: 0, max: 1e7, noNaN: true }),
          fraction: fc.double({ min: 0, max: 1, noNaN: true }),
          fixed: fc.integer({ min: 0, max: 100 }),
          vcpuSecond: fc.double({ min: 0, max: 1, noNaN: true }),
          gibSecond: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        (x) => {
          const instanceSeconds = x.fraction * x.elapsed * x.maxInstances;
          const r = costReport({ fn: "f", vcpu: x.vcpu, memoryGiB: x.memoryGiB, instanceSeconds, maxInstances: x.maxInstances }, x.elapsed, { vcpuSecond: x.vcpuSecond, gibSecond: x.gibSecond, currency: "USD", source: "p" }, x.fixed);
          const eps = 1e-9 * Math.max(1, r.alwaysOnMax.cost);
          expect(r.actual.cost).toBeLessThanOrEqual(r.alwaysOnMax.cost + eps);
          expect(r.savedVsMaxPercent).toBeGreaterThanOrEqual(-1e-9);
          expect(r.savedVsMaxPercent).toBeLessThanOrEqual(100 + 1e-9);
          expect(Number.isFinite(r.savedVsFixedPercent)).toBe(true);
          expect(r.actual.vcpuSeconds).toBeCloseTo(instanceSeconds * x.vcpu, 3);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("quantities", () => {
  it("reads CPU and memory quantities", () => {
    expect(vcpuOf("1")).toBe(1);
    expect(vcpuOf("250m")).toBe(0.25);
    expect(vcpuOf("0.5")).toBe(0.5);
    expect(memoryGiBOf("512Mi")).toBe(0.5);
    expect(memoryGiBOf("1Gi")).toBe(1);
    expect(memoryGiBOf("1G")).toBeCloseTo(0.931, 3);
    expect(() => vcpuOf("fast")).toThrow(/not a CPU quantity/);
    expect(() => memoryGiBOf("lots")).toThrow(/not a memory quantity/);
  });

  it("integrates an instance series", () => {
    expect(instanceSecondsOf([0, 1, 2, 2, 0])).toBe(5);
    expect(instanceSecondsOf([1, 1], 2)).toBe(4);
  });
});
