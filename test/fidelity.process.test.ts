// "What you declare is what runs": the gateway honours each ScalingPolicy knob as declared, measured
// in real time on the process runtime (loopback only, bounded loads). Each test prints what it measured.
import autocannon from "autocannon";
import { afterEach, describe, expect, it } from "vitest";
import { App, type ScalingPolicyOptions, ServerlessFunction, type ServerlessFunctionProps } from "zeroscale";
import type { ScaleDecision } from "../lib/engines/types.js";
import { type Gateway, ProcessDriver } from "../runtime/index.js";
import { alive, FIXTURES, startGateway, waitFor } from "./support/gateway.js";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});
const driver = () => new ProcessDriver(FIXTURES);
const get = (path: string, init?: RequestInit) => fetch(`${gateway?.url}${path}`, init);
const status = () => gateway?.status()[0];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An app with one function from test/fixtures/functions/fidelity.js on /f. */
function fidelityApp(name: string, policy: ScalingPolicyOptions, fn: Partial<ServerlessFunctionProps> = {}): App {
  const app = new App({ name });
  const f = new ServerlessFunction(app, "f", { code: { path: "functions", handler: "fidelity.js#handler" }, ...fn } as ServerlessFunctionProps);
  f.addTrigger("http", { http: { path: "/f" } });
  f.addScalingPolicy(policy);
  return app;
}

/** Record every decision with the real time it was made. */
function decisions(g: Gateway): { at: number; d: ScaleDecision }[] {
  const out: { at: number; d: ScaleDecision }[] = [];
  g.on("decision", (d: ScaleDecision) => out.push({ at: Date.now(), d }));
  return out;
}

const report = (what: string, values: Record<string, unknown>) => console.log(`[fidelity] ${what}: ${JSON.stringify(values)}`);

describe("fidelity: the gateway runs what the policy declares (process runtime)", () => {
  it("idleTimeout 6s: zero 6-9 s after the last response", async () => {
    gateway = await startGateway(fidelityApp("fz-idle", { idleTimeout: "6s", initialInstances: 0 }), driver());
    const log = decisions(gateway);
    const res = await get("/f");
    const { pid } = (await res.json()) as { pid: number };
    const ended = Date.now();
    expect(await waitFor(() => status()?.instances.ready === 0 && status()?.instances.draining === 0 && !alive(pid), 15_000)).toBe(true);
    const seconds = (Date.now() - ended) / 1000;
    const zero = log.find((l) => l.d.desired === 0 && l.at > ended);
    report("idleTimeout 6s", { zeroAfterLastResponseSeconds: seconds, decidedAfterSeconds: zero ? (zero.at - ended) / 1000 : null, reason: zero?.d.reason });
    expect(zero?.d.reason).toMatch(/^idle 6s of 6s: to zero$/);
    expect(seconds).toBeGreaterThanOrEqual(6);
    expect(seconds).toBeLessThanOrEqual(9);
  });

  it("metric rps 5: a steady 40 rps scales to at least 6 instances", async () => {
    gateway = await startGateway(fidelityApp("fz-rps", { metric: { rps: 5 }, maxInstances: 15, stableWindow: "10s", idleTimeout: "30s" }), driver());
    const log = decisions(gateway);
    let peak = 0;
    const watcher = setInterval(() => (peak = Math.max(peak, status()?.instances.ready ?? 0)), 100);
    // 40 requests a second for 15 s over 4 connections: 600 requests, loopback only.
    const result = await autocannon({ url: `${gateway.url}/f`, connections: 4, overallRate: 40, duration: 15 });
    clearInterval(watcher);
    const rpsDecisions = log.filter((l) => /^(panic: )?rps /.test(l.d.reason));
    report("rps 5 at 40 rps", { peakReady: peak, requests: result.requests.total, non2xx: result.non2xx, lastReason: rpsDecisions.at(-1)?.d.reason, maxDesired: Math.max(...log.map((l) => l.d.desired)) });
    expect(result.non2xx).toBe(0);
    expect(result.requests.total).toBeGreaterThan(450);
    expect(peak).toBeGreaterThanOrEqual(6); // 40 rps / (5 x 70 %) -> 12
    expect(rpsDecisions.length).toBeGreaterThan(0);
  });

  it("a schedule baseline of min 2 holds 2 instances inside its window and 0 after it (injected wall clock)", async () => {
    // The wall clock starts at 09:59:55 UTC and runs in real time: the window [10:00, 10:01) opens 5 s in.
    let offset = Date.parse("2024-06-03T09:59:55Z") - Date.now();
    const wall = () => Date.now() + offset;
    const baseline = { start: "0 10 * * *", end: "1 10 * * *", minInstances: 2 };
    gateway = await startGateway(fidelityApp("fz-base", { schedule: [baseline], idleTimeout: "2s", maxInstances: 3 }), driver(), { wallClock: wall });
    const log = decisions(gateway);
    // Before the window: idle, so at zero after 2 s.
    expect(await waitFor(() => status()?.instances.ready === 0 && wall() < Date.parse("2024-06-03T10:00:00Z"), 4500)).toBe(true);
    const opens = Date.now() + (Date.parse("2024-06-03T10:00:00Z") - wall());
    expect(await waitFor(() => status()?.instances.ready === 2, 10_000)).toBe(true);
    const readyAfterOpen = (Date.now() - opens) / 1000;
    const raised = log.find((l) => l.d.desired === 2);
    // Inside the window, idle: it holds 2 (sampled for 4 s).
    let lowest = 2;
    for (let i = 0; i < 20; i++) {
      lowest = Math.min(lowest, status()?.instances.ready ?? 0);
      await sleep(200);
    }
    // Move the clock to 10:00:58 (time then flows on in real time): the window ends 2 s later.
    offset += Date.parse("2024-06-03T10:00:58Z") - wall();
    const closes = Date.now() + 2000;
    expect(await waitFor(() => status()?.instances.ready === 0 && status()?.instances.draining === 0, 8000)).toBe(true);
    const zeroAfterClose = (Date.now() - closes) / 1000;
    report("baseline min 2", { decidedAfterOpenSeconds: raised ? (raised.at - opens) / 1000 : null, twoReadyAfterOpenSeconds: readyAfterOpen, lowestReadyInside: lowest, zeroAfterCloseSeconds: zeroAfterClose, reason: raised?.d.reason });
    expect(raised?.d.reason).toBe("baseline 0 10 * * * (UTC): min 2");
    expect((raised?.at ?? 0) - opens).toBeLessThanOrEqual(1500);
    expect(lowest).toBe(2);
    expect(zeroAfterClose).toBeGreaterThanOrEqual(-0.1);
    expect(zeroAfterClose).toBeLessThanOrEqual(2.5);
  });

  it("metric cpu: a function that burns CPU under load scales above 1 instance", async () => {
    gateway = await startGateway(fidelityApp("fz-cpu", { metric: { cpu: 50 }, maxInstances: 3, idleTimeout: "30s" }), driver());
    const log = decisions(gateway);
    let stop = false;
    let peakCpu = 0;
    const worker = async () => {
      while (!stop) await (await get("/f?burn=100")).arrayBuffer();
    };
    const started = Date.now();
    const load = Promise.all([worker(), worker()]); // two requests at a time, each 100 ms of CPU
    const scaled = await waitFor(() => {
      peakCpu = Math.max(peakCpu, status()?.cpuPercent ?? 0);
      return (status()?.instances.ready ?? 0) + (status()?.instances.starting ?? 0) > 1;
    }, 8000);
    const after = (Date.now() - started) / 1000;
    stop = true;
    await load;
    const cpuDecision = log.find((l) => l.d.desired > 1);
    report("cpu 50 %", { scaledAfterSeconds: after, peakCpuPercent: Math.round(peakCpu), reason: cpuDecision?.d.reason });
    expect(scaled).toBe(true);
    expect(cpuDecision?.d.reason).toMatch(/^(panic: )?cpu % /);
    expect(peakCpu).toBeGreaterThan(50);
  });

  it("emulating Knative (stable window 6 s, grace 4 s): zero at about W + grace after the last request, not at idleTimeout", async () => {
    gateway = await startGateway(fidelityApp("fz-kn", { stableWindow: "6s", idleTimeout: "6s" }), driver(), { engine: "knative", scaleToZeroGracePeriodSeconds: 4 });
    expect(status()?.effective.timeToZeroSeconds).toBe(10); // W 6 + max(grace 4, retention 0)
    const log = decisions(gateway);
    const { pid } = (await (await get("/f")).json()) as { pid: number };
    const ended = Date.now();
    expect(await waitFor(() => status()?.instances.ready === 0 && !alive(pid), 20_000)).toBe(true);
    const seconds = (Date.now() - ended) / 1000;
    const zero = log.find((l) => l.d.desired === 0 && l.at > ended);
    report("knative emulation W 6 + grace 4", { zeroAfterLastResponseSeconds: seconds, decidedAfterSeconds: zero ? (zero.at - ended) / 1000 : null, reason: zero?.d.reason });
    expect(seconds).toBeGreaterThanOrEqual(9); // not the declared 6 s
    // 10 s, on Knative's 2 s ticks: the window clears on the first tick >= 6 s after the request's bucket, the grace
    // counts from that tick, so up to two ticks late; plus the instance's exit.
    expect(seconds).toBeLessThanOrEqual(14.5);
  });

  it("emulating KEDA (HTTP add-on): a request to a function at zero is served, and its instance is not drained while requests wait", async () => {
    // Polls every 3 s, HPA syncs every second: between polls the HPA must see the replica the interceptor woke.
    gateway = await startGateway(fidelityApp("fz-keda", { idleTimeout: "2s", maxInstances: 1 }), driver(), { engine: "keda", engineOptions: { pollingIntervalSeconds: 3, hpaSyncPeriodSeconds: 1 } });
    expect(await waitFor(() => status()?.instances.ready === 0 && status()?.instances.draining === 0 && status()?.instances.starting === 0, 15_000)).toBe(true);
    const events: { state: string; id: string }[] = [];
    gateway.on("instance", (e: { state: string; id: string }) => events.push(e));
    const log = decisions(gateway);
    const t0 = Date.now();
    // Three requests of 1 s of CPU each: one instance serves them one after another, so two wait ~1-2 s.
    const results = await Promise.all([0, 1, 2].map(() => get("/f?burn=1000").then(async (r) => ({ status: r.status, pid: ((await r.json()) as { pid: number }).pid }))));
    const servedMs = Date.now() - t0;
    const drained = events.filter((e) => e.state === "draining");
    report("keda emulation from zero", { servedMs, statuses: results.map((r) => r.status), drainedWhileServing: drained.length, decisions: log.map((l) => `${l.d.desired}: ${l.d.reason}`) });
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(results.map((r) => r.pid)).size).toBe(1); // one instance, woken once, never replaced
    expect(drained).toEqual([]);
    expect(log.filter((l) => l.d.desired === 0)).toEqual([]);
    expect(servedMs).toBeLessThan(8000);
  });

  it("coldStart reject: 503 with Retry-After at once from zero, then serves once the instance is ready", async () => {
    gateway = await startGateway(fidelityApp("fz-reject", { initialInstances: 0, coldStart: { reject: true } }), driver());
    expect(status()?.coldStart).toEqual({ mode: "reject" });
    const t0 = Date.now();
    const first = await get("/f");
    const rejectMs = Date.now() - t0;
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("1");
    expect(await first.json()).toMatchObject({ function: "fz-reject/f", error: expect.stringContaining("no instance is ready") });
    expect(await waitFor(() => status()?.instances.ready === 1, 10_000)).toBe(true); // the rejected request woke it
    const readyMs = Date.now() - t0;
    const second = await get("/f");
    report("coldStart reject", { firstAnswerMs: rejectMs, readyAfterMs: readyMs, secondStatus: second.status });
    expect(second.status).toBe(200);
    expect(rejectMs).toBeLessThan(250);
  });
});
