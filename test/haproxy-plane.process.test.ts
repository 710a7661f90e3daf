// The HAProxy data plane against the real haproxy (loopback only): the activator backup at zero,
// slots over the runtime API (never a reload), leastconn + maxconn queueing, timeout queue, drain and
// quiesced, reload on a route change (in-flight requests survive), Router's semantics through HAProxy,
// the UDP request log, and the sampled load. Skips when haproxy is missing and CI is unset; under
// CI=true a missing haproxy fails the file.
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import type { DataPlaneFunction, DataPlaneRequest } from "../runtime/gateway/data-plane.js";
import { edgeLimits } from "../runtime/gateway/edge.js";
import { backendName, HaproxyDataPlane, locateHaproxy, parseShowStat } from "../runtime/gateway/haproxy/index.js";
import { type Route, Router } from "../runtime/gateway/router.js";

const haproxy = (() => {
  try {
    return locateHaproxy();
  } catch {
    return undefined;
  }
})();
if (process.env["CI"] === "true" && !haproxy) throw new Error("CI=true but haproxy is not installed (apt-get install haproxy)");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A loopback HTTP server answering `{ who, path, headers }` after `?d=<ms>`; counts what it has in flight. */
async function upstream(who: string): Promise<{ port: number; inflight: () => number; served: () => number }> {
  let inflight = 0;
  let served = 0;
  const server: Server = createServer((req, res) => {
    inflight++;
    const d = Number(new URL(req.url ?? "/", "http://x").searchParams.get("d") ?? "0");
    req.resume();
    setTimeout(() => {
      const body = JSON.stringify({ who, path: req.url, headers: req.headers });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      inflight--;
      served++;
    }, d);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  closers.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return { port: (server.address() as AddressInfo).port, inflight: () => inflight, served: () => served };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: () => { who?: string; path?: string; headers?: Record<string, string>; error?: string; allowed?: string[] };
}
/** One request on a fresh connection. */
function send(url: string, path: string, o: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const r = request({ host: u.hostname, port: u.port, path, method: o.method ?? "GET", headers: o.headers ?? {}, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as ReturnType<Answer["json"]> }));
    });
    r.on("error", reject);
    r.end();
  });
}

const fnDef = (id: string, over: Partial<DataPlaneFunction> = {}): DataPlaneFunction => ({ id, concurrency: 1, slots: 2, queueTimeoutMs: 3000, queueLimit: 10, timeoutMs: 10_000, ...over });
const route = (fn: string, path: string, methods: string[] = [], host: string | null = null): Route => ({ trigger: `${fn}-t`, fn, host, path, methods });

async function startPlane(routes: readonly Route[], functions: readonly DataPlaneFunction[]) {
  const activator = await upstream("activator");
  const warnings: string[] = [];
  const plane = new HaproxyDataPlane({ limits: edgeLimits({}), concurrencyOf: () => 1, samplePeriodMs: 50, log: { warn: (o, m) => warnings.push(`${m} ${JSON.stringify(o)}`), debug: () => undefined } });
  const lines: DataPlaneRequest[] = [];
  plane.onRequest((l) => lines.push(l));
  plane.setRoutes(routes);
  closers.push(() => plane.close());
  closers.push(() => expect(warnings, "no runtime API command or reload failed").toEqual([]));
  const { url } = await plane.start({ publicHost: "127.0.0.1", publicPort: 0, activator: { host: "127.0.0.1", port: activator.port }, functions });
  return { plane, url, activator, lines, warnings };
}

/** `show stat` of one backend's servers and the backend row. */
async function stat(plane: HaproxyDataPlane, fn: string) {
  const rows = parseShowStat(await (plane.process?.api.command("show stat -1 6 -1") ?? Promise.resolve("")));
  return rows.filter((r) => r.pxname === backendName(fn));
}

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await sleep(20);
  }
  return cond();
}

describe.skipIf(!haproxy)("HaproxyDataPlane (real haproxy)", () => {
  it("at zero a request reaches the activator (the backup); after setInstances it reaches the instance directly, with X-Forwarded-*; no reload", async () => {
    const { plane, url, lines } = await startPlane([route("f", "/f")], [fnDef("f")]);
    const pid = await plane.workerPid();
    const cold = await send(url, "/f/x");
    expect(cold.status).toBe(200);
    expect(cold.json().who).toBe("activator");
    const up = await upstream("up1");
    plane.setInstances("f", [{ id: "i1", host: "127.0.0.1", port: up.port }]);
    await plane.settled();
    const warm = await send(url, "/f/y?q=1", { headers: { "x-forwarded-for": "6.6.6.6", "proxy-authorization": "secret" } });
    expect(warm.json()).toMatchObject({ who: "up1", path: "/f/y?q=1" });
    const h = warm.json().headers ?? {};
    expect(h["x-forwarded-for"]).toBe("127.0.0.1");
    expect(h["x-forwarded-host"]).toBe(new URL(url).host);
    expect(h["x-forwarded-proto"]).toBe("http");
    expect(h["proxy-authorization"]).toBeUndefined();
    expect(await plane.workerPid()).toBe(pid);
    // Back to zero: the slot goes to maintenance, the activator serves again.
    plane.setInstances("f", []);
    await plane.settled();
    expect((await send(url, "/f")).json().who).toBe("activator");
    expect((await stat(plane, "f")).find((r) => r.svname === "s0")?.status).toBe("MAINT");
    expect(await plane.workerPid()).toBe(pid);
    // One log line per request, with its backend and status; the activator's are marked.
    expect(await until(() => lines.length >= 3)).toBe(true);
    expect(lines.map((l) => [l.fn, l.status, l.viaActivator, l.method, l.path])).toEqual([
      ["f", 200, true, "GET", "/f/x"],
      ["f", 200, false, "GET", "/f/y"],
      ["f", 200, true, "GET", "/f"],
    ]);
    expect(() => plane.setInstances("f", [1, 2, 3].map((i) => ({ id: `i${i}`, host: "127.0.0.1", port: up.port })))).toThrow(/2 HAProxy server slots, too few for 3 instances/);
  });

  it("leastconn + maxconn: concurrency 1 and 2 slots, 3 slow requests -> 2 in flight, 1 queued (qcur), then served; takeLoad reports ~2-3 carried", async () => {
    const { plane, url } = await startPlane([route("f", "/f")], [fnDef("f")]);
    const [a, b] = [await upstream("a"), await upstream("b")];
    plane.setInstances("f", [{ id: "a", host: "127.0.0.1", port: a.port }, { id: "b", host: "127.0.0.1", port: b.port }]);
    await plane.settled();
    plane.takeLoad("f");
    const all = [0, 1, 2].map(() => send(url, "/f?d=900"));
    expect(await until(async () => {
      const rows = await stat(plane, "f");
      return rows.find((r) => r.svname === "BACKEND")?.qcur === 1 && rows.filter((r) => /^s\d$/.test(r.svname)).reduce((n, r) => n + r.scur, 0) === 2;
    })).toBe(true);
    expect([a.inflight(), b.inflight()]).toEqual([1, 1]);
    // The sampler sees them too (stats() carries HAProxy's own).
    expect(await until(() => plane.stats("f").carried?.queued === 1)).toBe(true);
    expect(plane.stats("f").carried?.inflight).toBe(2);
    const answers = await Promise.all(all);
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200]);
    expect(a.served() + b.served()).toBe(3);
    await sleep(150);
    const load = plane.takeLoad("f");
    // ~3 carried for 0.9 s then 1 for 0.9 s, over ~2 s: a mean well above 1, at most 3.
    expect(load.concurrency).toBeGreaterThan(1);
    expect(load.concurrency).toBeLessThanOrEqual(3);
    expect(load.arrivals).toBe(3);
    expect(load.inflight).toBe(0);
    expect(load.idleSinceMs).toBeTypeOf("number");
  });

  it("a slot given to another instance never sends to the old one (no reuse of its idle keep-alive connections)", async () => {
    const { plane, url } = await startPlane([route("f", "/f")], [fnDef("f", { slots: 1, concurrency: 2 })]);
    const [a, b] = [await upstream("a"), await upstream("b")];
    plane.setInstances("f", [{ id: "a", host: "127.0.0.1", port: a.port }]);
    await plane.settled();
    for (let i = 0; i < 3; i++) expect((await send(url, "/f")).json().who).toBe("a"); // HAProxy keeps an idle connection to a
    plane.setInstances("f", [{ id: "b", host: "127.0.0.1", port: b.port }]);
    await plane.settled();
    for (let i = 0; i < 3; i++) expect((await send(url, "/f")).json().who).toBe("b");
  });

  it("an instance that refuses connections: its slot goes down and the request is redispatched (to the activator when no slot is left), never a 503", async () => {
    const { plane, url } = await startPlane([route("f", "/f")], [fnDef("f")]);
    const gone = await upstream("gone");
    closers.pop()?.(); // close it now: nothing listens on its port any more
    await sleep(50);
    plane.setInstances("f", [{ id: "dead", host: "127.0.0.1", port: gone.port }]);
    await plane.settled();
    const r = await send(url, "/f");
    expect(r.status).toBe(200);
    expect(r.json().who).toBe("activator");
    expect((await stat(plane, "f")).find((x) => x.svname === "s0")?.status).toMatch(/^DOWN/);
    // A second, live instance takes the traffic while the dead slot is down.
    const up = await upstream("up");
    plane.setInstances("f", [{ id: "dead", host: "127.0.0.1", port: gone.port }, { id: "up", host: "127.0.0.1", port: up.port }]);
    await plane.settled();
    for (let i = 0; i < 3; i++) expect((await send(url, "/f")).json().who).toBe("up");
  });

  it("timeout queue: a request that finds no free slot within queueTimeoutMs gets HAProxy's 503 (JSON, Retry-After)", async () => {
    const { plane, url } = await startPlane([route("g", "/g")], [fnDef("g", { slots: 1, queueTimeoutMs: 300 })]);
    const up = await upstream("up");
    plane.setInstances("g", [{ id: "i", host: "127.0.0.1", port: up.port }]);
    await plane.settled();
    const slow = send(url, "/g?d=1500");
    await until(() => up.inflight() === 1);
    const late = await send(url, "/g");
    expect(late.status).toBe(503);
    expect(late.headers["retry-after"]).toBe("1");
    expect(late.json()).toEqual({ error: "no instance of g was free within 0.3s; retry shortly", function: "g" });
    expect((await slow).status).toBe(200);
  });

  it("no answer within the function's timeout: HAProxy's 504 (JSON naming the function)", async () => {
    const { plane, url } = await startPlane([route("t", "/t")], [fnDef("t", { timeoutMs: 300 })]);
    const up = await upstream("up");
    plane.setInstances("t", [{ id: "i", host: "127.0.0.1", port: up.port }]);
    await plane.settled();
    const r = await send(url, "/t?d=1500");
    expect(r.status).toBe(504);
    expect(r.json()).toEqual({ error: "t did not answer within its timeout (0.3s)", function: "t" });
  });

  it("drain: an in-flight slow request completes while new ones go elsewhere; quiesced resolves only once its scur is 0, then maint", async () => {
    const { plane, url } = await startPlane([route("f", "/f")], [fnDef("f", { concurrency: 4 })]);
    const [a, b] = [await upstream("a"), await upstream("b")];
    plane.setInstances("f", [{ id: "a", host: "127.0.0.1", port: a.port }, { id: "b", host: "127.0.0.1", port: b.port }]);
    await plane.settled();
    const slow = send(url, "/f?d=1200");
    await until(() => a.inflight() + b.inflight() === 1);
    const [busy, other] = a.inflight() === 1 ? ["a", "b"] : ["b", "a"];
    plane.drain("f", busy);
    await plane.settled();
    for (let i = 0; i < 4; i++) expect((await send(url, "/f")).json().who).toBe(other);
    let done = false;
    const q = plane.quiesced("f", busy).then(() => (done = true));
    await sleep(400);
    expect(done).toBe(false);
    expect((await slow).json().who).toBe(busy);
    await q;
    const rows = await stat(plane, "f");
    expect(rows.find((r) => r.svname === (busy === "a" ? "s0" : "s1"))).toMatchObject({ status: "MAINT", scur: 0 });
    // The quiesced instance is not given a slot again while the pool still lists it.
    plane.setInstances("f", [{ id: "a", host: "127.0.0.1", port: a.port }, { id: "b", host: "127.0.0.1", port: b.port }]);
    await plane.settled();
    for (let i = 0; i < 3; i++) expect((await send(url, "/f")).json().who).toBe(other);
  });

  it("setRoutes with a new route reloads (new route works, an in-flight request is not cut, slots kept); the same table never reloads", async () => {
    const routes = [route("f", "/f")];
    const { plane, url, warnings } = await startPlane(routes, [fnDef("f"), fnDef("h")]);
    const up = await upstream("up");
    plane.setInstances("f", [{ id: "i", host: "127.0.0.1", port: up.port }]);
    await plane.settled();
    const pid = await plane.workerPid();
    plane.setRoutes([...routes]);
    await plane.settled();
    expect(await plane.workerPid()).toBe(pid);
    expect((await send(url, "/h")).status).toBe(404);
    const slow = send(url, "/f?d=1000");
    await until(() => up.inflight() === 1);
    plane.setRoutes([...routes, route("h", "/h")]);
    await plane.settled();
    expect(warnings).toEqual([]);
    expect(await plane.workerPid()).not.toBe(pid);
    expect((await send(url, "/h")).json().who).toBe("activator");
    expect((await send(url, "/f")).json().who).toBe("up"); // the slot survived the reload
    const s = await slow;
    expect(s.status).toBe(200);
    expect(s.json().who).toBe("up");
  });

  it("quiesced after a reload also waits for the old worker's in-flight request on that slot", async () => {
    const { plane, url } = await startPlane([route("f", "/f")], [fnDef("f", { concurrency: 2 })]);
    const up = await upstream("up");
    plane.setInstances("f", [{ id: "i", host: "127.0.0.1", port: up.port }]);
    await plane.settled();
    const slow = send(url, "/f?d=1500");
    await until(() => up.inflight() === 1);
    plane.setRoutes([route("f", "/f"), route("f", "/other")]);
    await plane.settled();
    expect(await plane.process?.oldWorkers()).toHaveLength(1);
    plane.drain("f", "i");
    let done = false;
    const q = plane.quiesced("f", "i").then(() => (done = true));
    await sleep(500);
    expect(done).toBe(false); // the new worker has nothing on s0, the old one has the slow request
    expect((await slow).status).toBe(200);
    await q;
  });

  it("route semantics equal Router's on a table of cases (404 / 405 + Allow / hosts / prefix boundaries / HEAD for GET)", async () => {
    const app = new App({ name: "rt" });
    const defs: Record<string, { path: string; host?: string; methods?: ("GET" | "POST" | "PUT" | "DELETE")[] }[]> = {
      api: [{ path: "/api", methods: ["GET"] }],
      items: [{ path: "/api/items", methods: ["POST", "PUT"] }],
      hosted: [{ path: "/api", host: "api.example", methods: ["POST"] }],
      root: [{ path: "/", host: "www.example" }],
      deep: [{ path: "/a/b/c" }],
    };
    for (const [id, ts] of Object.entries(defs)) {
      const fn = new ServerlessFunction(app, id, { code: { path: "functions", handler: "edge.js#handler" } });
      ts.forEach((t, k) => fn.addTrigger(`http${k}`, { http: { path: t.path, ...(t.host ? { host: t.host } : {}), ...(t.methods ? { methods: t.methods } : {}) } }));
    }
    const router = new Router(synth(app));
    const ids = [...new Set(router.routes.map((r) => r.fn))];
    const { plane, url } = await startPlane(router.routes, ids.map((id) => fnDef(id)));
    for (const id of ids) {
      const up = await upstream(id);
      plane.setInstances(id, [{ id: `${id}-1`, host: "127.0.0.1", port: up.port }]);
    }
    await plane.settled();
    const cases: [string, string | undefined, string][] = [
      ["GET", undefined, "/api"], ["HEAD", undefined, "/api"], ["GET", undefined, "/api/"], ["GET", undefined, "/api/x/y"], ["GET", undefined, "/apix"],
      ["POST", undefined, "/api"], ["DELETE", undefined, "/api/items"], ["PUT", undefined, "/api/items/1"], ["GET", undefined, "/api/items"], ["POST", undefined, "/api/itemsx"],
      ["POST", "api.example", "/api"], ["POST", "API.Example.:8080", "/api/z"], ["GET", "api.example", "/api"], ["DELETE", "api.example", "/api"],
      ["GET", "www.example", "/anything"], ["GET", "www.example:80", "/"], ["GET", "other.example", "/anything"], ["GET", undefined, "/a/b"], ["GET", undefined, "/a/b/c/d"], ["GET", undefined, "/a/b/cd"],
    ];
    for (const [method, host, path] of cases) {
      const expected = router.match(method, host ?? new URL(url).host, path);
      const got = await send(url, path, { method, headers: host ? { host } : {} });
      const what = `${method} ${host ?? ""}${path}`;
      if ("route" in expected) {
        expect(got.status, what).toBe(200);
        if (method !== "HEAD") expect(got.json().who, what).toBe(expected.route.fn);
      } else {
        expect(got.status, what).toBe(expected.status);
        if (expected.status === 405) {
          expect(got.headers["allow"], what).toBe((expected.allowed ?? []).join(", "));
          expect(got.json().allowed, what).toEqual(expected.allowed);
          expect(got.json().error, what).toBe(`${method} is not allowed on ${path}`);
        } else expect(got.json().error, what).toBe(`no route for ${method} ${path}`);
      }
    }
  });

  it("edge rules: Host allow-list -> 403, a declared body over maxBodyBytes -> 413, a path the Node edge would rewrite -> 400", async () => {
    const activator = await upstream("activator");
    const plane = new HaproxyDataPlane({ limits: edgeLimits({ maxBodyBytes: 100, headersTimeoutMs: 300 }), allowedHosts: ["good.example"], concurrencyOf: () => 1 });
    closers.push(() => plane.close());
    plane.setRoutes([route("f", "/f", [], "api.example")]);
    const { url } = await plane.start({ publicHost: "127.0.0.1", publicPort: 0, activator: { host: "127.0.0.1", port: activator.port }, functions: [fnDef("f")] });
    const denied = await send(url, "/f", { headers: { host: "evil.example" } });
    expect(denied.status).toBe(403);
    expect(denied.json().error).toBe('host "evil.example" is not allowed here');
    expect((await send(url, "/f", { headers: { host: "api.example:8080" } })).status).toBe(200);
    expect((await send(url, "/x", { headers: { host: "good.example" } })).status).toBe(404);
    const big = await send(url, "/f", { method: "POST", headers: { host: "api.example", "content-length": "101" } });
    expect(big.status).toBe(413);
    expect(big.json()).toEqual({ error: "request body over 100 bytes", function: "f" });
    for (const p of ["/f/../f", "//f", "/%66"]) expect((await send(url, p, { headers: { host: "api.example" } })).status, p).toBe(400);
    // Headers not complete within headersTimeoutMs: 408 and close (HAProxy's own HTML page: it answers before any rule runs).
    const slow = await new Promise<string>((resolve) => {
      const s = connect(Number(new URL(url).port), "127.0.0.1", () => s.write("GET /f HTTP/1.1\r\nhost: api.example\r\n"));
      let text = "";
      s.on("data", (c) => (text += c.toString()));
      s.on("close", () => resolve(text));
      setTimeout(() => s.destroy(), 5000);
    });
    expect(slow).toMatch(/^HTTP\/1\.1 408/);
    expect(slow).toMatch(/connection: close/i);
  });
});
