// The engine's LoadSample with a data plane that carries requests itself (HAProxy): the pool's own
// numbers plus the data plane's (runtime/gateway/load.ts), so a function busy only there is busy.
import { describe, expect, it } from "vitest";
import { NO_LOAD } from "../runtime/gateway/data-plane.js";
import { carriedNow, combinedSample } from "../runtime/gateway/load.js";

const rest = { now: 100, backlog: 0, cpuPercent: null, memoryPercent: null, wallClockMs: 0 };
const idlePool = { concurrency: 0, arrivals: 0, inflight: 0, lastIdleAt: 40 };

describe("combinedSample", () => {
  it("is the pool's own sample with the Node plane (nothing carried)", () => {
    const pool = { concurrency: 1.5, arrivals: 7, inflight: 2, lastIdleAt: 90 };
    expect(combinedSample(pool, NO_LOAD, rest)).toEqual({ ...rest, concurrency: 1.5, arrivals: 7, inflight: 2, lastRequestEndedAt: 90 });
    expect(combinedSample({ ...pool, lastIdleAt: null }, NO_LOAD, rest).lastRequestEndedAt).toBeNull();
  });

  it("adds what the data plane carried: concurrency, arrivals, in flight", () => {
    const s = combinedSample({ concurrency: 1, arrivals: 3, inflight: 1, lastIdleAt: 50 }, { concurrency: 2.25, arrivals: 40, inflight: 4, idleSinceMs: undefined }, rest);
    expect(s).toMatchObject({ concurrency: 3.25, arrivals: 43, inflight: 5 });
  });

  it("a function idle on the pool but busy on the data plane is not idle: its last request ends now", () => {
    const s = combinedSample(idlePool, { concurrency: 1, arrivals: 0, inflight: 1, idleSinceMs: undefined }, rest);
    expect(s.inflight).toBe(1);
    expect(s.lastRequestEndedAt).toBe(100);
  });

  it("the later of the two idle times counts (the data plane's is in ms on the same clock)", () => {
    expect(combinedSample(idlePool, { ...NO_LOAD, idleSinceMs: 95_000 }, rest).lastRequestEndedAt).toBe(95);
    expect(combinedSample({ ...idlePool, lastIdleAt: 99 }, { ...NO_LOAD, idleSinceMs: 95_000 }, rest).lastRequestEndedAt).toBe(99);
    expect(combinedSample({ ...idlePool, lastIdleAt: null }, { ...NO_LOAD, idleSinceMs: 12_500 }, rest).lastRequestEndedAt).toBe(12.5);
  });
});

describe("carriedNow", () => {
  it("reads the data plane's own in-flight and queued requests, zero without them", () => {
    expect(carriedNow({ inflight: {}, forwarded: 0, failed: 0 })).toEqual({ inflight: 0, queued: 0 });
    expect(carriedNow({ inflight: {}, forwarded: 0, failed: 0, carried: { inflight: 3, queued: 2 } })).toEqual({ inflight: 3, queued: 2 });
  });
});

describe("a data plane that faces clients (plane-start.ts)", () => {
  it("its request log counts what did not go through the activator, for known functions only", async () => {
    const { GatewayMetrics } = await import("../runtime/gateway/observability.js");
    const { LiveStats } = await import("../runtime/gateway/stats.js");
    const { recordPlaneRequest } = await import("../runtime/gateway/plane-start.js");
    const to = { metrics: new GatewayMetrics(), live: new LiveStats(() => 0), known: (fn: string) => fn === "a/f" };
    const line = { fn: "a/f", status: 200, ms: 12, method: "GET", path: "/f", viaActivator: false };
    recordPlaneRequest(line, to, () => 5);
    recordPlaneRequest({ ...line, viaActivator: true }, to); // the activator recorded it itself
    recordPlaneRequest({ ...line, fn: undefined, status: 404 }, to); // HAProxy's own 404: no function
    recordPlaneRequest({ ...line, fn: "other/f" }, to);
    expect(await to.metrics.registry.getSingleMetricAsString("zeroscale_requests_total")).toContain('zeroscale_requests_total{function="a/f",code="200"} 1');
    expect(to.live.recentRequests()).toEqual([{ at: 5, fn: "a/f", method: "GET", path: "/f", status: 200, ms: 12, coldStart: false }]);
  });

  it("a route port HAProxy cannot bind fails as a Node listen would (so dev names --port)", async () => {
    const { bindError } = await import("../runtime/gateway/plane-start.js");
    const busy = bindError(new Error("haproxy exited at start (1): [ALERT] ... cannot bind socket (Address already in use) for [127.0.0.1:3000]"), 3000) as NodeJS.ErrnoException & { port: number };
    expect([busy.code, busy.port]).toEqual(["EADDRINUSE", 3000]);
    expect(busy.message).toContain("Address already in use");
    const other = new Error("haproxy -c failed");
    expect(bindError(other, 3000)).toBe(other);
  });
});
