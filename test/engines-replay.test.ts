// The same trace through each engine model's simulator, against expectations computed by hand from
// each engine's rules (lib/engines/*/model.ts and shared notes on Knative's KPA and KEDA).
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import { Testing } from "zeroscale/testing";
import "zeroscale/testing/vitest";

function rpsApp() {
  const app = new App({ name: "rr" });
  // rps 5 at 70% utilization: 3.5 requests per second per instance; the HTTP add-on rounds it to 4.
  const fn = new ServerlessFunction(app, "api", { image: "r.example.com/api:1", concurrency: 100 });
  fn.addTrigger("http", { http: { path: "/api" } });
  fn.addScalingPolicy({ maxInstances: 20, metric: { rps: 5 }, idleTimeout: "10s" });
  return fn;
}
// 50 requests per second for 60 s, each 0.1 s long: the last ends at 60.08 s.
const trace = { rate: [{ from: 0, to: 60, rps: 50, duration: 0.1 }] };
const peak = (r: ReturnType<typeof Testing.replay>) => Math.max(...r.timeline.map((p) => p.instances));
const firstAt = (r: ReturnType<typeof Testing.replay>, pred: (n: number) => boolean, after = 0) => r.timeline.find((p) => p.t > after && pred(p.instances))?.t;

describe("replay: one trace, every engine (rps)", () => {
  it("zeroscale: ceil(50 / 3.5) = 15 instances, zero 10 s after the last request (1 s decisions)", () => {
    const r = Testing.replay(rpsApp(), trace);
    expect(r.engine).toBe("zeroscale");
    expect(peak(r)).toBe(15);
    const zero = firstAt(r, (n) => n === 0, 60.08) as number;
    expect(zero).toBeGreaterThanOrEqual(70.08);
    expect(zero).toBeLessThanOrEqual(72);
    expect(r).toBeAtZeroAfter("10s");
  });

  it("knative: the same 15, but zero at W 60 + grace 30 = 90 s after the last request (2 s ticks)", () => {
    const r = Testing.replay(rpsApp(), trace, { backend: "knative" });
    expect(peak(r)).toBe(15);
    expect(r.timeToZeroSeconds).toBe(90);
    const zero = firstAt(r, (n) => n === 0, 60.08) as number;
    // The stable window empties 60 s after the last arrival's 1 s bucket (60 s), then 30 s grace: 150 s.
    expect(zero).toBeGreaterThanOrEqual(60 + 90);
    expect(zero).toBeLessThanOrEqual(60.08 + 90 + 4);
  });

  it("keda: a new Deployment's 1 replica, the HPA's first sync (15 s) to ceil(50 / 4) = 13, zero on the poll 10 s after the last active one (120 s)", () => {
    const r = Testing.replay(rpsApp(), trace, { backend: "keda" });
    expect(r.timeline.find((p) => p.t === 14)?.instances).toBe(1);
    expect(r.timeline.find((p) => p.t === 15)?.instances).toBe(13);
    expect(peak(r)).toBe(13);
    // requestRate averages over the 60 s window, so polls at 60 and 90 still see traffic; 120 does not.
    expect(firstAt(r, (n) => n === 0, 30)).toBe(120);
  });

  it("a concurrency trace: zeroscale at zero exactly idleTimeout after, Knative after W + grace", () => {
    const app = new App({ name: "cc" });
    const fn = new ServerlessFunction(app, "api", { image: "r.example.com/api:1", concurrency: 10 });
    fn.addTrigger("http", { http: { path: "/api" } });
    fn.addScalingPolicy({ metric: { concurrency: 10 }, idleTimeout: "6s", stableWindow: "6s" });
    // 20 in flight for 10 s: ceil(20 / 7) = 3 instances.
    const t = { rate: [{ from: 0, to: 10, rps: 20, duration: 1 }] };
    const z = Testing.replay(fn, t);
    expect(peak(z)).toBe(3);
    expect(z).toBeAtZeroAfter("6s");
    const k = Testing.replay(fn, t, { backend: "knative", gracePeriodSeconds: 4 });
    expect(k.timeToZeroSeconds).toBe(10); // W 6 + max(grace 4, retention 0)
    expect(k).toBeAtZeroAfter("10s");
  });
});

describe("replay: state across wake-ups, queues and activation", () => {
  const app = (policy: Parameters<ServerlessFunction["addScalingPolicy"]>[0], queue = false) => {
    const a = new App({ name: "st" });
    const fn = new ServerlessFunction(a, "api", { image: "r.example.com/api:1", concurrency: 10 });
    if (queue) fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "jobs" } });
    else fn.addTrigger("http", { http: { path: "/api" } });
    fn.addScalingPolicy(policy);
    return fn;
  };

  it("zeroscale: nothing of a burst carries over a scale to zero (no panic floor on the next wake-up)", () => {
    const fn = app({ maxInstances: 20, metric: { concurrency: 10 }, idleTimeout: "6s" });
    // A 50 rps burst of 0.5 s requests (ceil(25 / 7) = 4 instances), zero 6 s after, then one short request at 45 s.
    const r = Testing.replay(fn, { requests: [...Array.from({ length: 1000 }, (_, i) => ({ at: i / 50, duration: 0.5 })), { at: 45.5, duration: 0.2 }] }, { until: 60 });
    expect(Math.max(...r.timeline.filter((p) => p.t <= 20).map((p) => p.instances))).toBeGreaterThanOrEqual(4);
    expect(r.timeline.find((p) => p.t === 40)?.instances).toBe(0);
    expect(Math.max(...r.timeline.filter((p) => p.t >= 45).map((p) => p.instances))).toBe(1);
  });

  it("zeroscale: a queue consumer is at zero idleTimeout after its backlog empties", () => {
    const fn = app({ maxInstances: 10, metric: { queueLength: 5 }, idleTimeout: "90s" }, true);
    const r = Testing.replay(fn, { depth: [{ at: 0, value: 10 }, { at: 200, value: 0 }] });
    expect(r.lastActivity).toBe(200);
    expect(Math.max(...r.timeline.map((p) => p.instances))).toBe(2); // ceil(10 / 5)
    expect(r.timeline.find((p) => p.t === 250)?.instances).toBeGreaterThan(0);
    expect(r).toBeAtZeroAfter("90s");
  });

  it("keda: the HTTP add-on wakes a function at zero on the first request, between polls", () => {
    const fn = app({ maxInstances: 5, metric: { concurrency: 10 }, idleTimeout: "30s" });
    const r = Testing.replay(fn, { requests: [{ at: 200, duration: 5 }] }, { backend: "keda", until: 300 });
    expect(r.timeline.find((p) => p.t === 150)?.instances).toBe(0);
    expect(r.timeline.find((p) => p.t === 201)?.instances).toBe(1); // not at the next poll (210)
    expect(r).toBeAtZeroAfter("30s");
  });

  it("keda: a queue consumer (ScaledObject) waits for the next poll to wake", () => {
    const fn = app({ maxInstances: 5, metric: { queueLength: 5 }, idleTimeout: "30s" }, true);
    const r = Testing.replay(fn, { depth: [{ at: 0, value: 0 }, { at: 200, value: 10 }, { at: 260, value: 0 }] }, { backend: "keda", until: 400 });
    expect(r.timeline.find((p) => p.t === 205)?.instances).toBe(0);
    expect(r.timeline.find((p) => p.t === 210)?.instances).toBeGreaterThan(0);
  });

  it("toBeAtZeroAfter fails for a replay that never served its activity", () => {
    const fn = app({ maxInstances: 5, idleTimeout: "30s" });
    const r = Testing.replay(fn, { requests: [{ at: 10, duration: 1 }] });
    expect(r).toBeAtZeroAfter("30s");
    const never = { ...r, timeline: r.timeline.map((p) => ({ ...p, instances: 0, ready: 0 })) };
    expect(() => expect(never).toBeAtZeroAfter("30s")).toThrow(/never had an instance/);
  });
});
