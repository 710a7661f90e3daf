// The gateway end to end with the process driver: real instances, real HTTP, loopback only.
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { HTTP } from "cloudevents";
import { afterEach, describe, expect, it } from "vitest";
import { App, type ScalingPolicyOptions, ServerlessFunction, type ServerlessFunctionProps } from "zeroscale";
import type { EngineScaler, LoadSample } from "../lib/engines/types.js";
import { type Driver, type Gateway, type Instance, type InstanceSpec, ProcessDriver } from "../runtime/index.js";
import { hasHaproxy } from "./faults/planes.js";
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
    expect(await crashed.json()).toMatchObject({ function: "crash/echo", error: "the instance of crash/echo exited (signal SIGKILL) while handling the request" });
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
      expect(event.source).toBe("/zeroscale/cron/tick/every-second"); // the trigger path, which starts with the app name (once)
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
    const event = testEvent();
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
    expect(await gateway.deliver("kedaq/worker", "kedaq/worker/q", testEvent())).toBe(200);
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

/** An app with one function from test/fixtures/functions/<file> on /f, writing its ledger to a fresh file. */
function ledgerApp(name: string, fn: Partial<ServerlessFunctionProps> = {}, policy: ScalingPolicyOptions = {}, handler = "ledger.js#handler"): { app: App; ledger: string } {
  const ledger = join(mkdtempSync(join(tmpdir(), "zs-ledger-")), "ledger.txt");
  const app = new App({ name });
  const f = new ServerlessFunction(app, "f", { code: { path: "functions", handler }, readinessPath: "/ready", ...fn, env: { LEDGER_FILE: ledger, ...(fn.env ?? {}) } } as ServerlessFunctionProps);
  f.addTrigger("http", { http: { path: "/f" } });
  f.addScalingPolicy(policy);
  return { app, ledger };
}
/** How many times each id ran. */
function executions(ledger: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!existsSync(ledger)) return out;
  for (const line of readFileSync(ledger, "utf8").trim().split("\n").filter(Boolean)) {
    const id = line.split(" ")[0] as string;
    out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

describe("gateway delivers at most once", () => {
  it("runs a crashing POST exactly once and answers it one 502 naming the exit, on a reused keep-alive socket", async () => {
    const { app, ledger } = ledgerApp("once", { concurrency: 4 });
    gateway = await startGateway(app, driver());
    for (let i = 0; i < 3; i++) {
      expect((await get(`/f?id=warm${i}`, { method: "POST", body: "x" })).status).toBe(200); // a pooled connection to reuse
      const crashed = await get(`/f?id=crash${i}&crash=1`, { method: "POST", body: "payload" });
      expect(crashed.status).toBe(502);
      expect(await crashed.json()).toEqual({ function: "once/f", error: "the instance of once/f exited (code 3) while handling the request" });
    }
    expect((await get("/f?id=after", { method: "POST", body: "x" })).status).toBe(200);
    const runs = executions(ledger);
    expect(runs).toEqual({ warm0: 1, crash0: 1, warm1: 1, crash1: 1, warm2: 1, crash2: 1, after: 1 });
  });

  it("gives every request in flight on a crashing instance exactly one 502, and runs none twice", async () => {
    const { app, ledger } = ledgerApp("inflight", { concurrency: 4 }, { maxInstances: 2 });
    gateway = await startGateway(app, driver());
    expect((await get("/f?id=warm")).status).toBe(200);
    const slow = ["a", "b", "c"].map((id) => get(`/f?id=${id}&ms=800`, { method: "POST", body: id }));
    await sleep(200);
    const crash = get("/f?id=boom&crash=1", { method: "POST", body: "boom" });
    const statuses = await Promise.all([...slow, crash].map(async (r) => (await r).status));
    expect(statuses).toEqual([502, 502, 502, 502]);
    expect(executions(ledger)).toEqual({ warm: 1, a: 1, b: 1, c: 1, boom: 1 });
  });

  it("retries an idempotent request once on another instance only with retryIdempotent; a POST never", async () => {
    const { app, ledger } = ledgerApp("idem");
    gateway = await startGateway(app, driver(), { retryIdempotent: true });
    expect((await get("/f?id=warm")).status).toBe(200);
    const retried = await get("/f?id=g1&crashOnce=1");
    expect(retried.status).toBe(200);
    expect(executions(ledger)["g1"]).toBe(2); // it ran on the crashed instance and once more on a new one
    await gateway.stop();
    const second = ledgerApp("idem-post");
    gateway = await startGateway(second.app, driver(), { retryIdempotent: true });
    expect((await get("/f?id=warm")).status).toBe(200);
    expect((await get("/f?id=p1&crashOnce=1", { method: "POST", body: "x" })).status).toBe(502);
    expect(executions(second.ledger)["p1"]).toBe(1);
  });
});

describe("gateway and clients that leave", () => {
  it("drops a buffered request whose client left during a slow cold start: never executed", async () => {
    const { app, ledger } = ledgerApp("leave", { env: { SLOW_START_MS: "1500" } }, { initialInstances: 0 });
    gateway = await startGateway(app, driver());
    const port = Number(new URL(gateway.url).port);
    const req = httpRequest({ host: "127.0.0.1", port, path: "/f?id=gone", method: "POST", headers: { "content-length": "1" } });
    req.on("error", () => undefined);
    req.end("x");
    expect(await waitFor(() => gateway?.status()[0]?.buffered === 1, 1000)).toBe(true);
    req.destroy(); // the client leaves while its request waits for the instance
    expect(await waitFor(() => gateway?.status()[0]?.buffered === 0, 300)).toBe(true);
    expect(await waitFor(() => gateway?.status()[0]?.instances.ready === 1, 10_000)).toBe(true);
    await sleep(300);
    expect((await get("/f?id=stays", { method: "POST", body: "y" })).status).toBe(200);
    expect(executions(ledger)).toEqual({ stays: 1 });
  });

  it("frees the instance's slot at once when a client leaves mid-response: the next request is fast", async () => {
    const { app } = ledgerApp("midstream", { concurrency: 1, timeout: "30s" }, { maxInstances: 1 });
    gateway = await startGateway(app, driver());
    expect((await get("/f?id=warm")).status).toBe(200);
    const controller = new AbortController();
    const streaming = await get("/f/stream", { signal: controller.signal });
    const reader = (streaming.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^chunk 1/);
    controller.abort(); // leaves mid-response
    await sleep(100);
    expect(gateway.status()[0]?.inflight).toBe(0);
    const t0 = Date.now();
    const next = await get("/f?id=next");
    const ms = Date.now() - t0;
    expect(next.status).toBe(200);
    expect(ms).toBeLessThan(1000);
  });
});

describe("gateway crash loops and capacity", () => {
  it("answers waiters fast with the cause, backs off its starts, and says crash-looping in /status and /events", async () => {
    const spawns: number[] = [];
    class Counting extends ProcessDriver {
      override start(spec: InstanceSpec): Promise<Instance> {
        spawns.push(Date.now());
        return super.start(spec);
      }
    }
    const app = new App({ name: "loop" });
    const f = new ServerlessFunction(app, "boom", { code: { path: "functions", handler: "crashloop.js#handler" } });
    f.addTrigger("http", { http: { path: "/boom" } });
    f.addScalingPolicy({ initialInstances: 0, idleTimeout: "60s" });
    gateway = await startGateway(app, new Counting(FIXTURES));
    const events = await fetch(`${gateway.adminUrl}/events`);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const t0 = Date.now();
    const first = await get("/boom");
    const firstMs = Date.now() - t0;
    expect(first.status).toBe(502);
    expect(((await first.json()) as { error: string }).error).toMatch(/^loop\/boom: crash-looping: .*code 1: runner failed to start: boom at import/);
    expect(firstMs).toBeLessThan(3000); // not the 30 s buffer wait
    // Keep asking for 5 s: every answer is fast, and the starts back off (0.5 s, 1 s, 2 s, ...).
    const answers: { status: number; ms: number; retryAfter: string | null }[] = [];
    while (Date.now() - t0 < 5000) {
      const s = Date.now();
      const r = await get("/boom");
      await r.text();
      answers.push({ status: r.status, ms: Date.now() - s, retryAfter: r.headers.get("retry-after") });
      await sleep(100);
    }
    expect(answers.every((a) => a.status === 502 || a.status === 503)).toBe(true);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1500);
    expect(answers.some((a) => a.status === 503 && Number(a.retryAfter) >= 1)).toBe(true);
    expect(spawns.length).toBeGreaterThanOrEqual(3);
    expect(spawns.length).toBeLessThanOrEqual(5);
    const gaps = spawns.slice(1).map((t, i) => t - (spawns[i] as number));
    expect(gaps[1] as number).toBeGreaterThan((gaps[0] as number) * 1.5);
    const status = gateway.status()[0];
    expect(status?.state).toBe("crash-looping");
    expect(status?.error).toMatch(/^crash-looping: .*boom at import/);
    const admin = (await (await fetch(`${gateway.adminUrl}/status`)).json()) as { functions: { state: string; error: string }[] };
    expect(admin.functions[0]?.state).toBe("crash-looping");
    let text = "";
    while (!text.includes("crash-looping")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/"state":"failed","reason":"crash-looping: [^"]*boom at import/);
    console.log(`crash loop: first 502 after ${firstMs} ms; ${spawns.length} spawns in 5 s, gaps ${gaps.join(", ")} ms; slowest answer ${Math.max(...answers.map((a) => a.ms))} ms`);
  });

  it("answers 503 at capacity (Retry-After) when every instance is ready but busy at max, not 'no instance became ready'", async () => {
    const { app } = ledgerApp("capacity", { concurrency: 1 }, { maxInstances: 1 });
    gateway = await startGateway(app, driver(), { waitTimeoutMs: 800 });
    expect((await get("/f?id=warm")).status).toBe(200);
    const busy = get("/f?id=busy&ms=2500");
    await sleep(100);
    const res = await get("/f?id=waits");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(((await res.json()) as { error: string }).error).toMatch(/^capacity\/f: at capacity: 1 ready instance \(max instances 1\) all busy/);
    expect((await busy).status).toBe(200);
  });
});

describe("gateway and instances that misbehave at the protocol level", () => {
  it("answers 502 naming the function to an instance's status outside 100-599 (HTTP/1.1 099), and keeps serving with no slot leaked", async () => {
    // A raw TCP "instance": readiness passes; every other request gets `HTTP/1.1 099 X`, which Node's client accepts.
    const sockets = new Set<Socket>();
    const tcp = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      let head = "";
      socket.on("data", (d) => {
        head += d.toString("latin1");
        while (head.includes("\r\n\r\n")) {
          const line = head.slice(0, head.indexOf("\r\n"));
          head = head.slice(head.indexOf("\r\n\r\n") + 4);
          if (line.includes(" /ready ")) socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
          else socket.write("HTTP/1.1 099 X\r\ncontent-length: 2\r\n\r\nno");
        }
      });
    });
    await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
    const port = (tcp.address() as AddressInfo).port;
    const raw: Driver = {
      kind: "process",
      prepare: async () => {},
      cleanup: async () => 0,
      start: async () => {
        let exit!: () => void;
        const exited = new Promise<void>((r) => (exit = r));
        return { id: "raw-1", port, exited, stop: async () => exit(), usage: async () => null };
      },
    };
    try {
      gateway = await startGateway(echoApp("badstatus", { readinessPath: "/ready" }, { minInstances: 1 }), raw);
      expect(await waitFor(() => gateway?.status()[0]?.instances.ready === 1, 5000)).toBe(true);
      for (let i = 0; i < 3; i++) {
        const res = await get("/echo");
        expect(res.status).toBe(502);
        expect(((await res.json()) as { error: string }).error).toBe("the instance of badstatus/echo answered with an invalid HTTP status (99)");
      }
      expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200); // the gateway is up
      expect(gateway.status()[0]?.inflight).toBe(0); // every slot released
      expect(await waitFor(() => sockets.size === 0, 2000), "the upstream sockets were destroyed, not pooled").toBe(true);
    } finally {
      await gateway?.stop();
      gateway = undefined;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
    }
  });

  it("backs off an instance that crashes soon after passing readiness, and says crash-looping with the cause", async () => {
    const spawns: number[] = [];
    class Counting extends ProcessDriver {
      override start(spec: InstanceSpec): Promise<Instance> {
        spawns.push(Date.now());
        return super.start(spec);
      }
    }
    const app = new App({ name: "lateloop" });
    const f = new ServerlessFunction(app, "late", { code: { path: "functions", handler: "crash-after-ready.js#handler" }, readinessPath: "/ready" });
    f.addTrigger("http", { http: { path: "/late" } });
    f.addScalingPolicy({ minInstances: 1 });
    gateway = await startGateway(app, new Counting(FIXTURES));
    const t0 = Date.now();
    await sleep(3000);
    const inThree = spawns.filter((t) => t - t0 <= 3000).length;
    // Without the backoff it is restarted as fast as it can start (measured: 164 starts/s).
    expect(inThree, `spawns in 3 s: ${spawns.map((t) => t - t0).join(", ")}`).toBeLessThanOrEqual(5);
    expect(await waitFor(() => gateway?.status()[0]?.state === "crash-looping", 3000)).toBe(true);
    const admin = (await (await fetch(`${gateway.adminUrl}/status`)).json()) as { functions: { state: string; error: string }[] };
    expect(admin.functions[0]?.state).toBe("crash-looping");
    expect(admin.functions[0]?.error).toMatch(/^crash-looping: exited \d+ ms after becoming ready \(code 1: .*crash-after-ready\.js/);
  });
});

/** A binary-mode CloudEvent as an HTTP message. */
function testEvent(): { headers: Record<string, string>; body: Buffer } {
  return { headers: { "ce-specversion": "1.0", "ce-type": "dev.zeroscale.test", "ce-source": "/test", "ce-id": `t-${Date.now()}`, "content-type": "application/json" }, body: Buffer.from('{"n":1}') };
}

describe.skipIf(!hasHaproxy)("gateway (process driver, HAProxy data plane)", () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** A process driver that notes when each instance was asked to stop. */
  class StopClock extends ProcessDriver {
    readonly stops: number[] = [];
    override async start(spec: InstanceSpec): Promise<Instance> {
      const inst = await super.start(spec);
      const stop = inst.stop.bind(inst);
      return Object.assign(inst, { stop: (grace: number) => (this.stops.push(Date.now()), stop(grace)) });
    }
  }

  it("puts HAProxy on the route port with the gateway as its activator; warm requests bypass it and are still counted (from HAProxy's log)", async () => {
    gateway = await startGateway(echoApp("hx-front", {}, { initialInstances: 0 }), driver(), { dataPlane: "haproxy" });
    expect(gateway.url).not.toBe(gateway.activatorUrl);
    expect((await get("/echo/cold")).status).toBe(200); // at zero: HAProxy's backup server, the activator
    for (let i = 0; i < 5; i++) expect((await get(`/echo/warm${i}`)).status).toBe(200);
    const counted = async () => /zeroscale_requests_total\{function="hx-front\/echo",code="200"\} 6/.test(await (await fetch(`${gateway?.adminUrl}/metrics`)).text());
    expect(await waitFor(counted, 5000)).toBe(true);
    const seen = gateway.live.recentRequests().filter((r) => r.fn === "hx-front/echo");
    expect(seen.map((r) => [r.path, r.coldStart])).toEqual([["/echo/cold", true], ...[0, 1, 2, 3, 4].map((i) => [`/echo/warm${i}`, false])]);
    // 404s HAProxy answers itself name no function and are not counted for one.
    expect((await get("/nowhere")).status).toBe(404);
  });

  it("a function busy on HAProxy alone is busy: a request carried past the pool keeps it up beyond its idleTimeout, in /status as in flight", async () => {
    gateway = await startGateway(echoApp("hx-busy", {}, { initialInstances: 0, idleTimeout: "1s" }), driver(), { dataPlane: "haproxy" });
    expect((await get("/echo")).status).toBe(200);
    const long = get("/echo/long?ms=4000"); // straight to the ready instance: the pool never sees it
    await sleep(2500);
    const s = gateway.status()[0];
    expect(s?.instances.ready, JSON.stringify(s?.last)).toBe(1);
    expect(s?.inflight).toBe(1);
    expect(s?.last?.desired).toBe(1);
    expect((await long).status).toBe(200);
    // Idle on both now: it goes to zero after idleTimeout.
    expect(await waitFor(() => gateway?.status()[0]?.instances.ready === 0, 10_000)).toBe(true);
  }, 20_000);

  it("drains through HAProxy: scaled to zero while HAProxy carries a request, the instance is stopped only after that request answered", async () => {
    const d = new StopClock(FIXTURES);
    gateway = await startGateway(echoApp("hx-drain", {}, { initialInstances: 0 }), d, { dataPlane: "haproxy" });
    expect((await get("/echo")).status).toBe(200);
    let answeredAt = 0;
    const long = get("/echo/long?ms=2000").then((r) => ((answeredAt = Date.now()), r));
    await sleep(300);
    gateway.scaleToZero("hx-drain/echo");
    expect(await waitFor(() => gateway?.status()[0]?.instances.draining === 1, 5000)).toBe(true);
    expect(d.stops, "not stopped while HAProxy carries its request").toEqual([]);
    expect((await long).status).toBe(200);
    expect(await waitFor(() => d.stops.length === 1, 5000)).toBe(true);
    expect(d.stops[0]).toBeGreaterThanOrEqual(answeredAt - 150); // HAProxy's sampler sees scur 0 after the answer
  }, 20_000);
});
