// The fault suite (issue 13): 17 scenarios against the gateway on the process runtime, once per data
// plane (issue 19): the Node data plane, and HAProxy in front of the gateway (its activator). Each
// asserts the guarantees of docs/local-runtime.md ("Guarantees"): every request got exactly one
// response of a documented status, nothing executed twice (the function logs each request id),
// nothing executed for a client that left, and no instance process is left after stop. Where HAProxy
// answers differently by design (its own error pages, its connection cap), the test says so in its
// name and asserts HAProxy's documented behaviour.
import { connect } from "node:net";
import { afterEach, beforeAll, describe, expect, it as vitestIt } from "vitest";
import { type Gateway, ProcessDriver } from "../runtime/index.js";
import { assertGuarantees, assertNoProcessLeft, faultsApp, Ledger, nextId, type Outcome, send } from "./faults/harness.js";
import { PLANES, type PlaneName } from "./faults/planes.js";
import { alive, FIXTURES, startGateway, waitFor } from "./support/gateway.js";

let gateway: Gateway | undefined;
let ledger: Ledger;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await assertNoProcessLeft(ledger);
});
const driver = () => new ProcessDriver(FIXTURES);
let plane: PlaneName = "node";
const start = async (name: string, fns: Parameters<typeof faultsApp>[2], opts: Parameters<typeof startGateway>[2] = {}) => {
  ledger = new Ledger();
  gateway = await startGateway(faultsApp(name, ledger, fns), driver(), { dataPlane: plane, ...opts });
  return gateway;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const all = (n: number, f: (i: number) => Promise<Outcome>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
const status = (fn = 0) => gateway?.status()[fn];

describe.each(PLANES)("fault suite (process runtime, $plane data plane)", ({ plane: name, runs }) => {
  beforeAll(() => {
    plane = name;
  });
  const it = vitestIt.skipIf(!runs);
  const haproxy = name === "haproxy";
  it("1. a burst from zero to 1,000 concurrent requests: every one answered once, none executed twice", async () => {
    const g = await start("ft-burst", { f: { fn: { concurrency: 100 }, policy: { maxInstances: 5 } } });
    const out = await all(1000, () => send(g, "/f?ms=20"));
    assertGuarantees(ledger, out, [200]);
    expect(out.filter((o) => o.status === 200)).toHaveLength(1000);
    expect(ledger.executions().size, "every request reached the ledger").toBe(1000);
  }, 60_000);

  it("2. over capacity: requests beyond the buffer get 503 with Retry-After at once; the rest are served", async () => {
    const g = await start("ft-over", { f: { fn: { concurrency: 1 }, policy: { maxInstances: 1, coldStart: { buffer: { maxRequests: 5, maxWait: "10s" } } } } });
    const out = await all(20, () => send(g, "/f?ms=200"));
    assertGuarantees(ledger, out, [200, 503]);
    const served = out.filter((o) => o.status === 200).length;
    expect(served).toBeGreaterThanOrEqual(5); // the five buffered while the instance starts (more once it serves)
    expect(out.filter((o) => o.status === 503).every((o) => o.ms < 1000)).toBe(true);
  });

  it("3. a start slower than the cold-start deadline: waiters get 504 naming the function; later requests are served", async () => {
    const g = await start("ft-slow", { f: { handler: "faults-slow-start.js#handler", fn: { env: { START_MS: "2500" } }, policy: { coldStart: { buffer: { maxWait: "1s" } } } } });
    const first = await all(3, () => send(g, "/f"));
    assertGuarantees(ledger, first, [504]);
    expect(first[0]?.body).toContain("ft-slow/f");
    expect(await waitFor(() => (status()?.instances.ready ?? 0) > 0, 10_000)).toBe(true);
    assertGuarantees(ledger, [await send(g, "/f")], [200]);
  });

  it("4. never ready: waiters get a fast 502/503 naming the cause instead of waiting out the deadline", async () => {
    const g = await start("ft-never", { f: { fn: { env: { FLAP_READY: "1000000" } }, policy: { coldStart: { buffer: { maxWait: "20s" } } } } }, { startTimeoutMs: 1000 });
    const out = await all(3, () => send(g, "/f"));
    assertGuarantees(ledger, out, [502, 503]);
    expect(Math.max(...out.map((o) => o.ms))).toBeLessThan(5000);
    expect(out[0]?.body).toMatch(/ft-never\/f/);
  });

  it(`5. a crash mid-request: that request gets exactly one 502 naming ${haproxy ? "the function (HAProxy's own 502 page: it cannot see the exit)" : "the exit"}, executed once; the next one${haproxy ? ", once the gateway saw the exit," : ""} is served`, async () => {
    const g = await start("ft-crash", { f: { fn: { concurrency: 1 } } });
    assertGuarantees(ledger, [await send(g, "/f")], [200]);
    const exited = new Promise<void>((resolve) => g.on("instance", (e: { state: string }) => (e.state === "failed" || e.state === "stopped") && resolve()));
    const crash = await send(g, "/f?crash=1", { method: "POST", body: "x" });
    // HAProxy answers the 502 at once (the Node plane first waits up to 300 ms to name the exit): a request
    // sent before the gateway saw the exit may meet the dying instance's last accepted connection (its own 502).
    if (haproxy) await exited;
    assertGuarantees(ledger, [crash], [502]);
    expect(ledger.executions().get(crash.id)).toBe(1);
    expect(crash.body).toMatch(haproxy ? /ft-crash\/f/ : /exited/);
    assertGuarantees(ledger, [await send(g, "/f", { method: "POST", body: "y" })], [200]);
  });

  it("6. a crash before send (the instance stops listening, its exit unseen): the refused request is retried elsewhere and served once", async () => {
    const g = await start("ft-before", { f: { handler: "faults-sockets.js#handler", policy: { minInstances: 1 } } });
    expect(await waitFor(() => status()?.instances.ready === 1, 10_000)).toBe(true);
    const first = await send(g, "/f?close=1");
    const pid = (JSON.parse(first.body) as { pid: number }).pid;
    await sleep(300); // its listener is closed now; the process lives on, so the pool still has it ready
    expect(alive(pid)).toBe(true);
    expect(status()?.instances.ready).toBe(1);
    const out = await all(5, () => send(g, "/f", { method: "POST", body: "z" }));
    // Every one provably never reached the dead listener: retried on a fresh instance, 200 only, each executed once.
    assertGuarantees(ledger, [first, ...out], [200]);
    for (const o of out) {
      expect(ledger.executions().get(o.id), o.id).toBe(1);
      expect((JSON.parse(o.body) as { pid: number }).pid, "served by another instance").not.toBe(pid);
    }
  });

  it("7. scale-down with requests in flight: none lost", async () => {
    const g = await start("ft-down", { f: { fn: { concurrency: 2 }, policy: { maxInstances: 4, stableWindow: "6s", idleTimeout: "2s" } } });
    const out = await all(8, () => send(g, "/f?ms=3000"));
    // load ends; the function scales down while the last requests of a second wave are in flight
    const second = await all(4, () => send(g, "/f?ms=1500"));
    assertGuarantees(ledger, [...out, ...second], [200]);
  }, 30_000);

  it("8. an arrival during scale-to-zero is served", async () => {
    const g = await start("ft-zero", { f: { policy: { idleTimeout: "1s" } } });
    await send(g, "/f");
    const out: Outcome[] = [];
    for (let i = 0; i < 15; i++) {
      out.push(await send(g, "/f"));
      await sleep(1000 + (i % 3) * 20);
    }
    assertGuarantees(ledger, out, [200]);
  }, 30_000);

  it("9. the keep-alive race: requests on sockets idle longer than the gateway's pool timeout are served", async () => {
    const g = await start("ft-ka", { f: { policy: { minInstances: 1 } } });
    assertGuarantees(ledger, [await send(g, "/f")], [200]);
    await sleep(4500);
    assertGuarantees(ledger, await all(5, () => send(g, "/f", { method: "POST", body: "k" })), [200]);
  }, 20_000);

  it(`9b. a POST on a ${haproxy ? "" : "reused "}keep-alive socket that the instance resets: exactly one 502${haproxy ? " (HAProxy's page naming the function)" : ""}, executed once, never retried`, async () => {
    const g = await start("ft-kareset", { f: { handler: "faults-sockets.js#handler", policy: { minInstances: 1, maxInstances: 1 } } });
    expect(await waitFor(() => status()?.instances.ready === 1, 10_000)).toBe(true);
    const warm = await send(g, "/f", { method: "POST", body: "a" }); // leaves a keep-alive socket to the instance
    const reset = await send(g, "/f", { method: "POST", body: "b", headers: { "x-reset": "1" } }); // on that reused socket
    assertGuarantees(ledger, [warm], [200]);
    assertGuarantees(ledger, [reset], [502]);
    expect(ledger.executions().get(reset.id), "executed once, not replayed").toBe(1);
    expect((JSON.parse(reset.body) as { error: string }).error).toMatch(haproxy ? /ft-kareset\/f/ : /ft-kareset\/f.*(reset|ECONNRESET|not retried)/);
    assertGuarantees(ledger, [await send(g, "/f", { method: "POST", body: "c" })], [200]);
  });

  it("10. a client that leaves while queued: never executed, not served later", async () => {
    const g = await start("ft-left", { f: { handler: "faults-slow-start.js#handler", fn: { env: { START_MS: "1500" } } } });
    const desired: number[] = [];
    const starts: string[] = [];
    g.on("decision", (d: { desired: number }) => desired.push(d.desired));
    g.on("instance", (e: { state: string; id: string }) => e.state === "starting" && starts.push(e.id));
    const leavers = await all(5, () => send(g, "/f", { abortAfterMs: 300 }));
    await sleep(3000);
    const stayer = await send(g, "/f");
    assertGuarantees(ledger, [...leavers, stayer], [200], { departed: leavers.map((o) => o.id) });
    expect(ledger.executions().size).toBe(1);
    // Nor counted for scaling: the five that left never asked for more than the one instance.
    expect(Math.max(0, ...desired), `desired ${desired.join(",")}`).toBeLessThanOrEqual(1);
    expect(starts, "instances started").toHaveLength(1);
    expect(status()?.instances.ready).toBe(1);
  });

  it("11. SIGTERM (stop) with requests in flight: they finish with 200, then nothing is left", async () => {
    const g = await start("ft-stop", { f: { fn: { concurrency: 5 } } });
    await send(g, "/f");
    const inflight = all(5, () => send(g, "/f?ms=1000"));
    await sleep(200);
    await g.stop();
    gateway = undefined;
    assertGuarantees(ledger, await inflight, [200]);
  });

  it("12. a long idle, then one request: served after a cold start", async () => {
    const g = await start("ft-idle", { f: { policy: { idleTimeout: "1s" } } });
    await send(g, "/f");
    expect(await waitFor(() => status()?.instances.ready === 0 && status()?.instances.starting === 0, 10_000)).toBe(true);
    await sleep(1500);
    assertGuarantees(ledger, [await send(g, "/f")], [200]);
  }, 20_000);

  it("13. streaming and SSE pass through chunk by chunk; a client leaving mid-stream frees the slot at once", async () => {
    const g = await start("ft-stream", { f: { fn: { concurrency: 1 }, policy: { maxInstances: 1, minInstances: 1 } } });
    const res = await fetch(`${g.url}/f/sse`, { headers: { "x-test-id": nextId("sse") } });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("data: 0");
    await reader.cancel(); // the client leaves mid-stream
    const t0 = Date.now();
    const next = await send(g, "/f");
    assertGuarantees(ledger, [next], [200]);
    expect(Date.now() - t0).toBeLessThan(2000);
    const streamed = await send(g, "/f?stream=3");
    expect(streamed.body).toBe("chunk 0\nchunk 1\nchunk 2\n");
  });

  it("14. a large body to a function at zero arrives whole", async () => {
    const g = await start("ft-big", { f: {} });
    const body = Buffer.alloc(5 * 2 ** 20, 7);
    const out = await send(g, "/f", { method: "POST", body });
    assertGuarantees(ledger, [out], [200]);
    expect((JSON.parse(out.body) as { bytes: number }).bytes).toBe(body.length);
  });

  it("15. readiness flapping at start: no request is sent before the instance is ready", async () => {
    const g = await start("ft-flap", { f: { fn: { env: { FLAP_READY: "8" } } } });
    const out = await all(10, () => send(g, "/f"));
    assertGuarantees(ledger, out, [200]);
  });

  it("16. two functions cold-starting together are each served", async () => {
    const g = await start("ft-two", { a: {}, b: {} });
    const out = await all(20, (i) => send(g, i % 2 ? "/a" : "/b"));
    assertGuarantees(ledger, out, [200]);
    expect(new Set(ledger.pids()).size).toBeGreaterThanOrEqual(2);
  });

  if (!haproxy) it("17. connection exhaustion: sockets past the cap are refused, and the gateway keeps serving", async () => {
    const g = await start("ft-conns", { f: { policy: { minInstances: 1 } } }, { maxConnections: 20 });
    const port = Number(new URL(g.url).port);
    let refused = 0;
    const sockets = await Promise.all(
      Array.from({ length: 40 }, () => new Promise<import("node:net").Socket>((resolve) => {
        const s = connect(port, "127.0.0.1", () => resolve(s));
        s.on("error", () => resolve(s));
        s.resume(); // read what the gateway sends, so its end is seen
        s.once("close", () => refused++); // the gateway ended it: past the cap
      })),
    );
    await sleep(500);
    const closed = refused;
    for (const s of sockets) s.destroy();
    expect(closed).toBeGreaterThanOrEqual(15);
    await sleep(200);
    assertGuarantees(ledger, await all(5, () => send(g, "/f")), [200]);
  });

  if (haproxy) it("17. connection exhaustion (HAProxy's maxconn: connections past the cap wait in the accept queue, none refused): a request past it is answered once the cap frees", async () => {
    const g = await start("ft-conns", { f: { policy: { minInstances: 1 } } }, { maxConnections: 20 });
    expect(await waitFor(() => status()?.instances.ready === 1, 10_000)).toBe(true);
    const port = Number(new URL(g.url).port);
    let closedByGateway = 0;
    // 20 taken by HAProxy, 10 more in the kernel's accept queue (its backlog defaults to maxconn).
    const sockets = await Promise.all(
      Array.from({ length: 30 }, () => new Promise<import("node:net").Socket>((resolve) => {
        const s = connect(port, "127.0.0.1", () => resolve(s));
        s.on("error", () => resolve(s));
        s.resume();
        s.once("close", () => closedByGateway++);
      })),
    );
    let answered = false;
    const waiting = send(g, "/f").then((o) => ((answered = true), o));
    await sleep(500);
    expect(closedByGateway, "HAProxy refuses no connection at its cap").toBe(0);
    expect(answered, "a request past the cap waits").toBe(false);
    for (const s of sockets) s.destroy();
    assertGuarantees(ledger, [await waiting, ...(await all(5, () => send(g, "/f")))], [200]);
  }, 20_000);
});
