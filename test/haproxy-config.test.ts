// The HAProxy config generator (runtime/gateway/haproxy/config.ts): structure asserted line by line
// (no snapshots), determinism, and `haproxy -c` validity for several graphs. The validity checks need
// haproxy: they skip on a laptop without it, and fail under CI=true.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { EDGE_DEFAULTS } from "../runtime/gateway/edge.js";
import { backendName, haproxyConfig, type HaproxyConfigInput, type HaproxyFunction, locateHaproxy, SLOT_CHECK, sortRoutes } from "../runtime/gateway/haproxy/index.js";
import { type Route, Router } from "../runtime/gateway/router.js";

const haproxy = (() => {
  try {
    return locateHaproxy();
  } catch {
    return undefined;
  }
})();
if (process.env["CI"] === "true" && !haproxy) throw new Error("CI=true but haproxy is not installed (apt-get install haproxy)");

type Trig = { path: string; host?: string; methods?: string[] };
/** A graph with one function per entry, each with its HTTP triggers. */
function graph(fns: Record<string, Trig[]>) {
  const app = new App({ name: "hx" });
  for (const [id, triggers] of Object.entries(fns)) {
    const fn = new ServerlessFunction(app, id, { code: { path: "functions", handler: "edge.js#handler" } });
    triggers.forEach((t, k) => fn.addTrigger(`http${k}`, { http: { path: t.path, ...(t.host ? { host: t.host } : {}), ...(t.methods ? { methods: t.methods as ("GET" | "POST")[] } : {}) } }));
  }
  return synth(app);
}

const fnOf = (name: string, over: Partial<HaproxyFunction> = {}): HaproxyFunction => rawFn(`hx/${name}`, over);
const rawFn = (id: string, over: Partial<HaproxyFunction> = {}): HaproxyFunction => ({ id, concurrency: 4, slots: 3, queueTimeoutMs: 2500, queueLimit: 50, timeoutMs: 30_000, ...over });

function input(routes: readonly Route[], over: Partial<HaproxyConfigInput> = {}): HaproxyConfigInput {
  const ids = [...new Set(routes.map((r) => r.fn))];
  return { publicHost: "127.0.0.1", publicPort: 18080, activator: { host: "127.0.0.1", port: 18081 }, functions: ids.map((id) => rawFn(id)), routes, limits: EDGE_DEFAULTS, statsSocket: "/tmp/zs-test/api.sock", ...over };
}

/** The lines of one section (`frontend x`, `backend y`, `global`, `defaults`), trimmed. */
function section(text: string, header: string): string[] {
  const blocks = text.split("\n\n");
  const block = blocks.find((b) => b.split("\n")[0] === header);
  if (!block) throw new Error(`no section ${header}`);
  return block.split("\n").slice(1).map((l) => l.trim());
}

function valid(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "zs-hcfg-"));
  try {
    const p = join(dir, "h.cfg");
    writeFileSync(p, text.replaceAll("/tmp/zs-test/api.sock", join(dir, "api.sock")));
    return execFileSync(haproxy as string, ["-c", "-f", p], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const many = graph({
  "a": [{ path: "/api", methods: ["GET"] }, { path: "/api/v2/items", methods: ["POST", "PUT"] }],
  "b": [{ path: "/api", host: "api.example", methods: ["POST"] }],
  "c": [{ path: "/" }],
  "d--e": [{ path: "/d" }],
});

describe("haproxyConfig", () => {
  it("is deterministic and pure", () => {
    const i = input(new Router(many).routes, { log: { port: 5514, sample: 1 }, allowedHosts: ["localhost:3000"] });
    expect(haproxyConfig(i)).toBe(haproxyConfig(structuredClone(i)));
    // Router's order, whatever order the routes come in.
    expect(haproxyConfig({ ...i, routes: [...i.routes].reverse() })).toBe(haproxyConfig(i));
  });

  it("global and defaults: one thread, admin socket, UDP log with sampling, the edge's timeouts, retries only on connection failures", () => {
    const text = haproxyConfig(input(new Router(many).routes, { log: { port: 5514, sample: 4 }, limits: { ...EDGE_DEFAULTS, headersTimeoutMs: 7000, requestTimeoutMs: 21_000, keepAliveTimeoutMs: 3000 } }));
    const g = section(text, "global");
    expect(g).toContain("nbthread 1");
    expect(g).toContain('stats socket "/tmp/zs-test/api.sock" mode 600 level admin expose-fd listeners');
    expect(g).toContain("log 127.0.0.1:5514 len 1024 format raw sample 1:4 local0");
    const d = section(text, "defaults");
    expect(d).toEqual(expect.arrayContaining(["mode http", "option http-keep-alive", "timeout http-request 7000ms", "timeout client 21000ms", "timeout http-keep-alive 3000ms", "timeout connect 5000ms", "retry-on conn-failure", "option redispatch", "option abortonclose"]));
    expect(d.filter((l) => l.startsWith("retry-on"))).toEqual(["retry-on conn-failure"]);
    expect(section(haproxyConfig(input(new Router(many).routes)), "global").some((l) => l.startsWith("log "))).toBe(false);
  });

  it("one backend per function: leastconn, queue and server timeouts, maxconn = concurrency per slot, all slots in maintenance, the activator as backup", () => {
    const routes = new Router(many).routes;
    const text = haproxyConfig(input(routes, { functions: ["a", "b", "c", "d--e"].map((id) => fnOf(id, id === "a" ? { slots: 2, concurrency: 7, queueTimeoutMs: 1500, timeoutMs: 9000, queueLimit: 12 } : {})) }));
    const a = section(text, `backend ${backendName("hx/a")}`);
    expect(a).toEqual(expect.arrayContaining(["balance leastconn", "timeout queue 1500ms", "timeout server 9000ms", `server s0 127.0.0.1:1 disabled maxconn 7 ${SLOT_CHECK}`, `server s1 127.0.0.1:1 disabled maxconn 7 ${SLOT_CHECK}`, "server activator 127.0.0.1:18081 backup"]));
    expect(a.filter((l) => l.startsWith("server "))).toHaveLength(3);
    expect(a.some((l) => l.includes("if { queue ge 12 }") && l.includes("status 503"))).toBe(true);
    expect(a.some((l) => l.includes("set-timeout server 10500ms if { nbsrv eq 0 }"))).toBe(true);
    expect(backendName("hx/d--e")).toMatch(/^zs_b_hx_d--e_[0-9a-f]{8}$/);
    section(text, `backend ${backendName("hx/d--e")}`);
    // No bound on the queue: no 503 rule.
    const unbounded = haproxyConfig(input(routes, { functions: ["a", "b", "c", "d--e"].map((id) => fnOf(id, { queueLimit: Number.POSITIVE_INFINITY })) }));
    expect(section(unbounded, `backend ${backendName("hx/a")}`).some((l) => l.includes("queue ge"))).toBe(false);
  });

  it("slot states are written into the config (a reload keeps them)", () => {
    const routes = new Router(many).routes;
    const text = haproxyConfig(input(routes, { slotStates: { "hx/a": [{ host: "127.0.0.1", port: 9001, state: "ready" }, { host: "127.0.0.1", port: 9002, state: "drain" }] } }));
    const a = section(text, `backend ${backendName("hx/a")}`);
    expect(a).toEqual(expect.arrayContaining([`server s0 127.0.0.1:9001 maxconn 4 ${SLOT_CHECK}`, `server s1 127.0.0.1:9002 weight 0 maxconn 4 ${SLOT_CHECK}`, `server s2 127.0.0.1:1 disabled maxconn 4 ${SLOT_CHECK}`]));
  });

  it("routes as rules in Router's order: host routes first, segment-boundary prefixes, HEAD for GET, 405 with Allow, 404 listing the routes", () => {
    const routes = new Router(many).routes;
    const f = section(haproxyConfig(input(routes)), "frontend zs_public");
    const order = sortRoutes(routes);
    expect(order.map((r) => r.fn)).toEqual(routes.map((r) => r.fn));
    const sets = f.filter((l) => l.startsWith("http-request set-var(txn.zs_r)"));
    expect(sets).toHaveLength(routes.length);
    const i = order.findIndex((r) => r.fn === "hx/b");
    const j = order.findIndex((r) => r.fn === "hx/a" && r.path === "/api");
    expect(i).toBeLessThan(j);
    expect(f).toContain(`acl zs_h${i} var(txn.zs_host) -m str "api.example"`);
    expect(f).toContain(`acl zs_p${j} path -m str "/api"`);
    expect(f).toContain(`acl zs_p${j} path -m beg "/api/"`);
    expect(f).toContain(`acl zs_m${j} method "GET" "HEAD"`);
    const root = order.findIndex((r) => r.fn === "hx/c");
    expect(f).toContain(`http-request set-var(txn.zs_r) int(${root}) if !zs_routed`);
    expect(f.some((l) => l.startsWith("http-request return status 405") && l.includes('hdr allow "%[var(txn.zs_allow)]"'))).toBe(true);
    const notFound = f.find((l) => l.startsWith("http-request return status 404")) ?? "";
    expect(notFound).toContain(`"routes":["POST,PUT /api/v2/items"`);
    expect(f.filter((l) => l.startsWith("use_backend"))).toHaveLength(routes.length);
    expect(f).toContain(`use_backend ${backendName("hx/d--e")} if { var(txn.zs_r) -m int ${order.findIndex((r) => r.fn === "hx/d--e")} }`);
  });

  it("edge rules: Host allow-list (route hosts added) -> 403, body over the limit -> 413, X-Forwarded-* set, hop-by-hop headers dropped, maxconn", () => {
    const f = section(haproxyConfig(input(new Router(many).routes, { allowedHosts: ["localhost:3000", "Good.Example."], limits: { ...EDGE_DEFAULTS, maxBodyBytes: 1234, maxConnections: 77 } })), "frontend zs_public");
    expect(f).toContain("maxconn 77");
    expect(f).toContain('acl zs_host_ok req.hdr(host),lower -m str "localhost:3000"');
    expect(f).toContain('acl zs_host_ok var(txn.zs_host) -m str "good.example"');
    expect(f).toContain('acl zs_host_ok var(txn.zs_host) -m str "api.example"');
    expect(f.some((l) => l.startsWith("http-request return status 403") && l.endsWith("if !zs_host_ok"))).toBe(true);
    expect(f.some((l) => l.startsWith("http-request return status 413") && l.endsWith("if { req.hdr_val(content-length) gt 1234 }"))).toBe(true);
    expect(f).toEqual(expect.arrayContaining(["http-request set-header x-forwarded-for %[src]", "http-request set-header x-forwarded-host %[req.hdr(host)]", "http-request set-header x-forwarded-proto http", "http-request del-header proxy-authorization"]));
    // Without an allow-list, every host.
    expect(section(haproxyConfig(input(new Router(many).routes)), "frontend zs_public").some((l) => l.includes("status 403"))).toBe(false);
  });

  it("refuses what it cannot carry", () => {
    const routes = new Router(many).routes;
    expect(() => haproxyConfig(input(routes, { functions: [fnOf("a")] }))).toThrow(/not among the data plane's functions/);
    expect(() => haproxyConfig(input(routes, { functions: ["a", "b", "c", "d--e"].map((id) => fnOf(id, { slots: 101 })) }))).toThrow(/slots \(101\)/);
  });

  describe.skipIf(!haproxy)("haproxy -c accepts it", () => {
    const cases: Record<string, HaproxyConfigInput> = {
      "many routes, hosts, allow-list, log": input(new Router(many).routes, { allowedHosts: ["localhost:3000", "[::1]:3000", "example.test"], log: { port: 5514, sample: 1 } }),
      "one catch-all, no log": input(new Router(graph({ only: [{ path: "/" }] })).routes),
      "sampled log, IPv6 bind, slots in every state": input(new Router(graph({ x: [{ path: "/x", methods: ["DELETE"] }] })).routes, {
        publicHost: "::1",
        log: { port: 6000, sample: 10 },
        slotStates: { "hx/x": [{ host: "127.0.0.1", port: 1234, state: "ready" }, { host: "::1", port: 1235, state: "drain" }] },
      }),
      "no routes at all": { ...input([]), functions: [fnOf("lonely", { slots: 100 })] },
    };
    for (const [name, i] of Object.entries(cases)) it(name, () => expect(() => valid(haproxyConfig(i))).not.toThrow());
  });
});
