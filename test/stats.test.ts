import { describe, expect, it } from "vitest";
import { LiveStats, quantile, Ring, RING_SIZE, type RequestRecord } from "../runtime/gateway/stats.js";

/** A clock tests move by hand (ms since the epoch). */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const req = (at: number, over: Partial<RequestRecord> = {}): RequestRecord => ({ at, fn: "app/api", method: "GET", path: "/", status: 200, ms: 10, coldStart: false, ...over });

describe("Ring", () => {
  it("keeps the newest `size` items, oldest first", () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.all()).toEqual([3, 4, 5]);
    expect(r.last(2)).toEqual([4, 5]);
    expect(r.last(10)).toEqual([3, 4, 5]);
    expect(r.length).toBe(3);
  });
});

describe("quantile", () => {
  it("is nearest-rank over sorted values", () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(v, 0.5)).toBe(50);
    expect(quantile(v, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe("LiveStats", () => {
  it("counts requests, server errors by status and latency percentiles over the last 60 s", () => {
    const c = manualClock();
    const s = new LiveStats(c.now);
    for (let i = 1; i <= 100; i++) s.request(req(c.now(), { ms: i }));
    s.request(req(c.now(), { status: 500, ms: 1000 }));
    s.request(req(c.now(), { status: 503, ms: 1000 }));
    s.request(req(c.now(), { status: 404, ms: 1 }));
    const [api] = s.snapshot();
    expect(api!.requests).toBe(103);
    expect(api!.errors).toEqual({ "500": 1, "503": 1 });
    expect(api!.p50Ms).toBe(51);
    expect(api!.p99Ms).toBe(1000);
    // 61 s later the latencies have left the window; the counts stay.
    c.advance(61_000);
    const [later] = s.snapshot();
    expect(later!.requests).toBe(103);
    expect(later!.p50Ms).toBeNull();
    expect(later!.p99Ms).toBeNull();
  });

  it("reports requests per second over the last 10 s", () => {
    const c = manualClock(1_700_000_000_000); // a whole second
    const s = new LiveStats(c.now);
    for (let sec = 0; sec < 10; sec++) {
      for (let i = 0; i < 5; i++) s.request(req(c.now()));
      c.advance(1000);
    }
    c.advance(-1); // still inside the 10th second of the window
    expect(s.snapshot()[0]!.rps).toBe(5);
    c.advance(5000); // 5 s later half the window has passed
    expect(s.snapshot()[0]!.rps).toBe(2.5);
    c.advance(10_000);
    expect(s.snapshot()[0]!.rps).toBe(0);
  });

  it("integrates instances over time (a step function), including the open interval", () => {
    const c = manualClock();
    const s = new LiveStats(c.now);
    s.instances("app/api", 0);
    c.advance(1000);
    s.instances("app/api", 3, { ready: 2, starting: 1 });
    c.advance(2000);
    s.instances("app/api", 1);
    c.advance(500);
    // 0*1 + 3*2 + 1*0.5 (open) = 6.5
    expect(s.snapshot()[0]!.instanceSeconds).toBeCloseTo(6.5, 9);
    c.advance(1500);
    s.instances("app/api", 0);
    c.advance(10_000);
    expect(s.snapshot()[0]!.instanceSeconds).toBeCloseTo(8, 9);
    const samples = s.samples("app/api");
    expect(samples.map((x) => x.ready + x.starting + x.draining)).toEqual([0, 3, 1, 0]);
    expect(samples[1]).toMatchObject({ ready: 2, starting: 1, draining: 0 });
  });

  it("counts cold starts and keeps the last one's duration", () => {
    const s = new LiveStats(manualClock().now);
    s.coldStart("app/api", 420);
    s.coldStart("app/api", 180);
    expect(s.snapshot()[0]).toMatchObject({ coldStarts: 2, lastColdStartMs: 180 });
  });

  it("keeps the last 1000 requests and log lines and emits each", () => {
    const c = manualClock();
    const s = new LiveStats(c.now);
    const seen: string[] = [];
    s.on("request", (r: RequestRecord) => seen.push(`req ${r.path}`));
    s.on("log", (r: { line: string }) => seen.push(`log ${r.line}`));
    for (let i = 0; i < RING_SIZE + 5; i++) s.request(req(c.now(), { path: `/${i}` }));
    s.log({ at: c.now(), fn: "app/api", stream: "stderr", level: "error", line: "boom" });
    expect(s.recentRequests()).toHaveLength(RING_SIZE);
    expect(s.recentRequests()[0]!.path).toBe("/5");
    expect(s.recentRequests(2).map((r) => r.path)).toEqual([`/${RING_SIZE + 3}`, `/${RING_SIZE + 4}`]);
    expect(s.recentLogs()).toEqual([{ at: c.now(), fn: "app/api", stream: "stderr", level: "error", line: "boom" }]);
    expect(seen).toHaveLength(RING_SIZE + 6);
    expect(seen.at(-1)).toBe("log boom");
  });

  it("sorts functions by id and lists declared ones before any traffic", () => {
    const s = new LiveStats(manualClock().now);
    s.request(req(0, { fn: "app/b" }));
    s.declare("app/a");
    expect(s.snapshot().map((f) => [f.fn, f.requests])).toEqual([
      ["app/a", 0],
      ["app/b", 1],
    ]);
  });
});
