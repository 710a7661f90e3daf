// The gateway end to end with the process driver: real instances, real HTTP, loopback only.
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { HTTP } from "cloudevents";
import { afterEach, describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import type { EngineScaler, LoadSample } from "../lib/engines/types.js";
import { binaryEvent, type Gateway, type Instance, type InstanceSpec, ProcessDriver } from "../runtime/index.js";
import { alive, echoApp, FIXTURES, startGateway, waitFor } from "./support/gateway.js";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});
const driver = () => new ProcessDriver(FIXTURES);
const get = (path: string, init?: RequestInit) => fetch(`${gateway?.url}${path}`, init);

describe("gateway (process driver)", () => {
  it("wakes a function at zero on a request, answers, and reports the cold start", async () => {
    gateway = await startGateway(echoApp("wake", {}, { initialInstances: 0 }), driver());
    expect(gateway.status()[0]?.instances).toEqual({ starting: 0, ready: 0, draining: 0 });
    const res = await get("/echo/hi");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ path: "/echo/hi", method: "GET" });
    expect(gateway.status()[0]?.instances.ready).toBe(1);
    const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/zeroscale_cold_starts_total\{function="wake\/echo"\} 1/);
    expect(metrics).toMatch(/zeroscale_requests_total\{function="wake\/echo",code="200"\} 1/);
  });

  it("serves a burst of 200 concurrent requests from zero: none lost, none 5xx", async () => {
    gateway = await startGateway(echoApp("burst", { concurrency: 10 }, { initialInstances: 0, maxInstances: 10 }), driver());
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => get(`/echo/${i}?ms=20`).then(async (r) => ({ status: r.status, body: (await r.json()) as { path: string } }))));
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(results.map((r) => r.body.path)).size).toBe(200);
  });

  it("scales up under sustained load toward the target, and back down after it stops (autocannon)", async () => {
    gateway = await startGateway(echoApp("load", { concurrency: 4 }, { maxInstances: 6, stableWindow: "6s", idleTimeout: "8s", metric: { concurrency: 2 } }), driver());
    let peak = 0;
    const watcher = setInterval(() => (peak = Math.max(peak, gateway?.status()[0]?.instances.ready ?? 0)), 100);
    // 12 connections for 7 s, each request taking 100 ms: bounded in time, loopback only.
    const result = await autocannon({ url: `${gateway.url}/echo/load?ms=100`, connections: 12, duration: 7 });
    const atPeak = gateway.status()[0]?.instances.ready ?? 0;
    expect(peak).toBeGreaterThanOrEqual(4); // 12 in flight / (2 x 70%) per instance -> 9, capped at 6
    expect(result.non2xx).toBe(0);
    expect(result.errors).toBe(0);
    expect(result.requests.total).toBeGreaterThan(300);
    expect(await waitFor(() => (gateway?.status()[0]?.instances.ready ?? 99) < atPeak, 10_000)).toBe(true);
    clearInterval(watcher);
  });

  it("is at zero after the idle timeout, with no process left", async () => {
    gateway = await startGateway(echoApp("idle", {}, { stableWindow: "6s", idleTimeout: "8s" }), driver());
    const { pid } = (await (await get("/echo")).json()) as { pid: number };
    expect(alive(pid)).toBe(true);
    const last = Date.now();
    expect(await waitFor(() => gateway?.status()[0]?.instances.ready === 0 && !alive(pid), 20_000)).toBe(true);
    const seconds = (Date.now() - last) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(8); // exactly the idle timeout after the response (zeroscale's engine)...
    expect(seconds).toBeLessThan(10.5); // ... on the next 1 s decision, plus the instance's exit
    expect(gateway.status()[0]?.last?.reason).toMatch(/to zero|idle at zero/);
    const again = await get("/echo");
    expect(again.status).toBe(200); // and wakes on the next request
  });

  it("answers 502 naming the function when an instance dies mid-request; later requests succeed", async () => {
    gateway = await startGateway(echoApp("crash"), driver());
    const crashed = await get("/echo/crash");
    expect(crashed.status).toBe(502);
    expect(await crashed.json()).toMatchObject({ function: "crash/echo", error: expect.stringContaining("failed before answering") });
    const after = await get("/echo/ok");
    expect(after.status).toBe(200);
  });

  it("sends a request that follows an instance crash to a fresh instance", async () => {
    gateway = await startGateway(echoApp("dead"), driver());
    const { pid } = (await (await get("/echo")).json()) as { pid: number };
    process.kill(pid, "SIGKILL");
    await waitFor(() => !alive(pid), 2000); // dead, but the gateway has not noticed yet (no exit event handled)
    const res = await get("/echo/after");
    const body = (await res.json()) as { pid: number };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.pid).not.toBe(pid);
  });

  it("loses no request while scaling down under load", async () => {
    gateway = await startGateway(echoApp("down", { concurrency: 2 }, { initialInstances: 5, minInstances: 0, maxInstances: 5, stableWindow: "6s" }), driver());
    await waitFor(() => gateway?.status()[0]?.instances.ready === 5, 10_000);
    const statuses: number[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) statuses.push((await get("/echo/x?ms=50")).status);
    };
    const load = worker(); // one client: the autoscaler drains 4 of 5 instances meanwhile
    expect(await waitFor(() => (gateway?.status()[0]?.instances.ready ?? 5) <= 2, 15_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // zeroscale decides every second: keep the load on past the drains
    stop = true;
    await load;
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it("answers 504 to buffered requests of a function that never becomes ready, and stays healthy", async () => {
    const app = new App({ name: "stuck" });
    const never = new ServerlessFunction(app, "never", { code: { path: "functions", handler: "echo.js#neverReady" }, readinessPath: "/ready" });
    never.addTrigger("http", { http: { path: "/never" } });
    never.addScalingPolicy({ initialInstances: 0 });
    const ok = new ServerlessFunction(app, "ok", { code: { path: "functions", handler: "echo.js#handler" } });
    ok.addTrigger("http", { http: { path: "/ok" } });
    gateway = await startGateway(app, driver(), { waitTimeoutMs: 1500 });
    const started = Date.now();
    const results = await Promise.all([get("/never"), get("/never"), get("/never")]);
    expect(results.map((r) => r.status)).toEqual([504, 504, 504]);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(results[0]?.headers.get("retry-after")).toBe("5");
    expect(await results[0]?.json()).toEqual({ error: "stuck/never: no instance became ready within 1500 ms", function: "stuck/never" });
    expect((await get("/ok")).status).toBe(200);
    expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
  });

  it("holds at most bufferSize requests per function: overflow gets 503 with Retry-After", async () => {
    const app = new App({ name: "full" });
    const never = new ServerlessFunction(app, "never", { code: { path: "functions", handler: "echo.js#neverReady" }, readinessPath: "/ready" });
    never.addTrigger("http", { http: { path: "/never" } });
    never.addScalingPolicy({ initialInstances: 0 });
    gateway = await startGateway(app, driver(), { waitTimeoutMs: 1000, bufferSize: 2 });
    const results = await Promise.all([get("/never"), get("/never"), get("/never")]);
    expect(results.map((r) => r.status).sort()).toEqual([503, 504, 504]);
    const overflow = results.find((r) => r.status === 503);
    expect(overflow?.headers.get("retry-after")).toBe("1");
    expect(((await overflow?.json()) as { error: string }).error).toMatch(/full\/never: 2 requests are already waiting/);
  });

  it("rejects bad input at the edge without harming other traffic", async () => {
    gateway = await startGateway(echoApp("edge", { timeout: "1s" }), driver(), { maxBodyBytes: 1024, maxHeaderBytes: 2048 });
    expect((await get("/nope")).status).toBe(404);
    expect((await get("/echo", { method: "POST", body: "x".repeat(2000) })).status).toBe(413);
    expect((await get("/echo", { headers: { "x-big": "y".repeat(4000) } })).status).toBe(431);
    const raw = await new Promise<string>((resolve) => {
      const port = Number(new URL(gateway!.url).port);
      const s = connect(port, "127.0.0.1", () => s.write("THIS IS NOT HTTP\r\n\r\n"));
      let out = "";
      s.on("data", (d) => (out += d));
      s.on("close", () => resolve(out));
    });
    expect(raw).toMatch(/^HTTP\/1.1 400 Bad Request/);
    const slow = await get("/echo?ms=3000");
    expect(slow.status).toBe(504);
    expect(await slow.json()).toEqual({ error: "edge/echo did not answer within its timeout (1s)", function: "edge/echo" });
    expect((await get("/echo", { method: "POST", body: "small" })).status).toBe(200);
  });

  it("streams scaling decisions and instance changes as Server-Sent Events", async () => {
    gateway = await startGateway(echoApp("sse", {}, { initialInstances: 0 }), driver());
    const controller = new AbortController();
    const res = await fetch(`${gateway.adminUrl}/events`, { signal: controller.signal });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    void get("/echo/wake");
    while (!text.includes('"state":"ready"')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/event: instance\ndata: \{"type":"instance","fn":"sse\/echo","id":"[^"]+","state":"starting"\}/);
    expect(text).toMatch(/event: instance\ndata: \{"type":"instance","fn":"sse\/echo","id":"[^"]+","state":"ready","coldStartMs":\d+\}/);
  });

  it("keeps its admin endpoints off the route port, on 127.0.0.1", async () => {
    gateway = await startGateway(echoApp("admin"), driver());
    expect((await get("/metrics")).status).toBe(404);
    expect(new URL(gateway.adminUrl).hostname).toBe("127.0.0.1");
    const status = (await (await fetch(`${gateway.adminUrl}/status`)).json()) as { functions: { id: string }[] };
    expect(status.functions.map((f) => f.id)).toEqual(["admin/echo"]);
  });

  it("fires a per-second schedule within 1 s of its time, as valid binary CloudEvents", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zs-events-"));
    const file = join(dir, "events.jsonl");
    const app = new App({ name: "cron" });
    const fn = new ServerlessFunction(app, "tick", { code: { path: "functions", handler: "echo.js#handler" }, env: { EVENTS_FILE: file } });
    fn.addTrigger("every-second", { schedule: { cron: "* * * * * *", data: { hello: "world" } } });
    gateway = await startGateway(app, driver());
    expect(await waitFor(() => existsSync(file) && readFileSync(file, "utf8").trim().split("\n").length >= 3, 8000)).toBe(true);
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { at: number; headers: Record<string, string>; body: string });
    for (const l of lines) {
      const event = HTTP.toEvent({ headers: l.headers, body: l.body }) as { type: string; source: string; data: unknown; time: string };
      expect(event.type).toBe("dev.zeroscale.schedule");
      expect(event.source).toBe("/zeroscale/cron/cron/tick/every-second");
      expect(event.data).toEqual({ hello: "world" });
      expect(l.at - Date.parse(event.time)).toBeLessThan(1000);
    }
    const ids = lines.map((l) => l.headers["ce-id"]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("gateway load balancing", () => {
  it("keeps sequential requests on one warm instance (no needless cold starts)", async () => {
    gateway = await startGateway(echoApp("keep"), driver());
    const pids = new Set<number>();
    for (let i = 0; i < 20; i++) pids.add(((await (await get("/echo")).json()) as { pid: number }).pid);
    expect(pids.size).toBe(1);
  });
});

/** The scaler the gateway runs for `fnId` (internals, to watch the LoadSamples it is fed). */
function scalerOf(g: Gateway, fnId: string): EngineScaler {
  return (g as unknown as { fns: Map<string, { scaler: EngineScaler }> }).fns.get(fnId)!.scaler;
}
/** Sum every sample's arrivals from now on. */
function countArrivals(g: Gateway, fnId: string): { total: number } {
  const scaler = scalerOf(g, fnId);
  const observe = scaler.observe.bind(scaler);
  const counted = { total: 0 };
  scaler.observe = (sample: LoadSample, ready: number, current: number) => {
    counted.total += sample.arrivals;
    return observe(sample, ready, current);
  };
  return counted;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("gateway cold start and event deliveries", () => {
  it("an override of the buffer size alone keeps the policy's own maxWait (10 s), and only the wait alone keeps its size", async () => {
    const app = echoApp("merge", {}, { coldStart: { buffer: { maxRequests: 7, maxWait: "10s" } } });
    gateway = await startGateway(app, driver(), { bufferSize: 5 });
    expect(gateway.status()[0]?.coldStart).toEqual({ mode: "buffer", maxRequests: 5, maxWaitSeconds: 10 });
    await gateway.stop();
    gateway = await startGateway(app, driver(), { coldStart: { mode: "buffer", maxWaitSeconds: 2 } });
    expect(gateway.status()[0]?.coldStart).toEqual({ mode: "buffer", maxRequests: 7, maxWaitSeconds: 2 });
    await gateway.stop();
    // A policy that rejects, with only a size given: the rest from ZEROSCALE_DEFAULTS.coldStart.
    gateway = await startGateway(echoApp("merge-reject", {}, { coldStart: { reject: true } }), driver(), { coldStart: { mode: "buffer", maxRequests: 3 } });
    expect(gateway.status()[0]?.coldStart).toEqual({ mode: "buffer", maxRequests: 3, maxWaitSeconds: 30 });
  });

  it("delivers events to a function at zero whose HTTP cold start rejects: reject is for HTTP clients only", async () => {
    gateway = await startGateway(echoApp("evreject", {}, { initialInstances: 0, coldStart: { reject: true } }), driver());
    const event = binaryEvent("dev.zeroscale.test", "/test", { n: 1 });
    expect(await gateway.deliver("evreject/echo", "evreject/echo/t", event)).toBe(200);
    await gateway.stop();
    gateway = await startGateway(echoApp("evreject2", {}, { initialInstances: 0, coldStart: { reject: true } }), driver());
    expect((await get("/echo")).status).toBe(503); // while an HTTP client is refused at once
  });

  it("--emulate keda: a queue consumer's model says no cold-start wait, yet a delivery before its instance is ready waits and succeeds", async () => {
    const app = new App({ name: "kedaq" });
    const fn = new ServerlessFunction(app, "worker", { code: { path: "functions", handler: "echo.js#handler" } });
    fn.addTrigger("q", { queue: { broker: "rabbitmq", connection: (process.env["ZS_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672").replace(/\/\/[^@]*@/, "//"), name: `zs-kedaq-${Date.now()}` } });
    fn.addScalingPolicy({ metric: { queueLength: 5 }, maxInstances: 2 });
    gateway = await startGateway(app, driver(), { engine: "keda" });
    expect(gateway.status()[0]?.coldStart).toEqual({ mode: "buffer", maxRequests: null, maxWaitSeconds: 0 });
    expect(gateway.status()[0]?.instances.ready).toBe(0); // its first replica is still starting
    const t0 = Date.now();
    expect(await gateway.deliver("kedaq/worker", "kedaq/worker/q", binaryEvent("dev.zeroscale.test", "/test", { n: 1 }))).toBe(200);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
    expect(metrics).not.toMatch(/outcome="no-instance"/);
  });
});

describe("gateway arrivals and idleness", () => {
  it("serves a slow upload that starts just before idleTimeout elapses on the warm instance, without a cold start", async () => {
    gateway = await startGateway(echoApp("upload", {}, { idleTimeout: "3s" }), driver());
    const { pid } = (await (await get("/echo")).json()) as { pid: number };
    await sleep(2200); // 2.2 s of the 3 s idle countdown gone
    const port = Number(new URL(gateway.url).port);
    const answer = new Promise<{ status: number; body: { pid: number; bytes: number } }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/echo/upload", method: "POST", headers: { "content-length": "10" } }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { pid: number; bytes: number } }));
      });
      req.on("error", reject);
      let sent = 0;
      const timer = setInterval(() => {
        req.write("x");
        if (++sent === 10) {
          clearInterval(timer);
          req.end();
        }
      }, 300); // the body takes 3 s: the function would have idled to zero under it
    });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pid, bytes: 10 });
    const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/zeroscale_cold_starts_total\{function="upload\/echo"\} 1\n/); // only the initial instance's
  });

  it("counts a request retried after a refused connection once", async () => {
    // The first instance's exit goes unnoticed (its `exited` never settles), so the gateway meets the refused connection.
    class Unnoticed extends ProcessDriver {
      private first = true;
      override async start(spec: InstanceSpec): Promise<Instance> {
        const inst = await super.start(spec);
        if (!this.first) return inst;
        this.first = false;
        return { id: inst.id, port: inst.port, exited: new Promise<void>(() => {}), stop: (ms) => inst.stop(ms), usage: () => inst.usage() };
      }
    }
    gateway = await startGateway(echoApp("retry"), new Unnoticed(FIXTURES));
    await waitFor(() => gateway?.status()[0]?.instances.ready === 1, 10_000);
    const arrivals = countArrivals(gateway, "retry/echo");
    const { pid } = (await (await get("/echo")).json()) as { pid: number };
    process.kill(pid, "SIGKILL");
    await waitFor(() => !alive(pid), 2000);
    await sleep(200);
    const res = await get("/echo/after");
    const body = (await res.json()) as { pid: number };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.pid).not.toBe(pid);
    await sleep(2200); // two samples take the arrivals
    expect(arrivals.total).toBe(2);
  });
});

describe("gateway usage on a runtime that cannot measure it", () => {
  class NoProc extends ProcessDriver {
    override usageUnmeasurable(): string | undefined {
      return "no /proc here";
    }
  }
  class Blind extends ProcessDriver {
    override usageUnmeasurable(): string | undefined {
      return undefined;
    }
    override async start(spec: InstanceSpec): Promise<Instance> {
      const inst = await super.start(spec);
      return { id: inst.id, port: inst.port, exited: inst.exited, stop: (ms) => inst.stop(ms), usage: async () => null };
    }
  }

  it("refuses to start a cpu policy when the driver knows up front it cannot measure usage", async () => {
    await expect(startGateway(echoApp("noproc", {}, { metric: { cpu: 50 } }), new NoProc(FIXTURES))).rejects.toThrow(
      "noproc/echo scales on cpu, which the process runtime cannot measure here: no /proc here; scale on concurrency, rps or queueLength, or run with another runtime",
    );
    gateway = await startGateway(echoApp("noproc-ok", {}, { metric: { concurrency: 2 } }), new NoProc(FIXTURES));
    expect((await get("/echo")).status).toBe(200);
  });

  it("says so in /status and every decision's reason when the first ready instance reports no usage", async () => {
    gateway = await startGateway(echoApp("blind", {}, { metric: { memory: 70 } }), new Blind(FIXTURES));
    expect(await waitFor(() => gateway?.status()[0]?.error !== null, 5000)).toBe(true);
    expect(gateway.status()[0]?.error).toMatch(/^memory not measurable on this runtime: the process runtime reports no usage for instance \S+; blind\/echo is never scaled on memory/);
    expect(await waitFor(() => gateway?.status()[0]?.last?.reason.startsWith("memory not measurable on this runtime: ") === true, 3000)).toBe(true);
    const status = (await (await fetch(`${gateway.adminUrl}/status`)).json()) as { functions: { error: string }[] };
    expect(status.functions[0]?.error).toMatch(/^memory not measurable/);
  });
});
