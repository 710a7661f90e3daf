// The gateway's edge (process runtime, loopback only): time and memory limits on clients, the
// connection cap, hop-by-hop headers, request-smuggling refusals, one normalisation of the path, and
// Host allow-lists. Raw sockets (node:net) where a client library would tidy the request first.
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { DOCKER_PLAN_SCHEMA, docker } from "zeroscale/providers/docker";
import { createCli } from "../cli/main.js";
import { type Gateway, type GatewayOptions, ProcessDriver } from "../runtime/index.js";
import { normalizeTarget } from "../runtime/gateway/edge.js";
import { Router } from "../runtime/gateway/router.js";
import { FIXTURES, startGateway, waitFor } from "./support/gateway.js";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

/** An app whose functions answer with what they saw (test/fixtures/functions/edge.js), one per path. */
function edgeApp(name: string, paths: Record<string, string> = { f: "/f" }, hosts: Record<string, string> = {}): App {
  const app = new App({ name });
  for (const [id, path] of Object.entries(paths)) {
    const fn = new ServerlessFunction(app, id, { code: { path: "functions", handler: "edge.js#handler" } });
    fn.addTrigger("http", { http: { path, ...(hosts[id] ? { host: hosts[id] } : {}) } });
    fn.addScalingPolicy({ minInstances: 1 });
  }
  return app;
}

/** An app with one function that never passes readiness: its requests (and bodies) wait in the buffer. */
function neverApp(): App {
  const app = new App({ name: "never" });
  const fn = new ServerlessFunction(app, "never", { code: { path: "functions", handler: "echo.js#neverReady" }, readinessPath: "/ready" });
  fn.addTrigger("http", { http: { path: "/never" } });
  fn.addScalingPolicy({ initialInstances: 0 });
  return app;
}

async function start(app: App, opts: Partial<GatewayOptions> = {}): Promise<Gateway> {
  gateway = await startGateway(app, new ProcessDriver(FIXTURES), opts);
  if (gateway.status().some((f) => f.effective.minInstances > 0)) expect(await waitFor(() => gateway?.status().every((f) => f.instances.ready >= f.effective.minInstances) ?? false, 10_000)).toBe(true);
  return gateway;
}

const portOf = (url: string) => Number(new URL(url).port);

/** A raw connection: what it received, when it closed (ms after opening), and whether it was reset. */
function raw(port: number, script: (s: Socket) => void, timeoutMs = 5000): Promise<{ text: string; closedAfterMs: number | null; reset: boolean }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect(port, "127.0.0.1");
    let text = "";
    let reset = false;
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closedAfterMs: null, reset });
    }, timeoutMs);
    s.on("data", (d) => (text += d));
    s.on("error", (e: NodeJS.ErrnoException) => (reset = e.code === "ECONNRESET" || reset));
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - t0, reset });
    });
    s.on("connect", () => script(s));
  });
}

/** A request with the path exactly as given (fetch would normalise it first). */
function send(url: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: init.method ?? "GET", headers: init.headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("edge limits (process runtime)", () => {
  it("closes a slowloris header sender after headersTimeout with 408", async () => {
    const g = await start(edgeApp("slowloris"), { headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const r = await raw(portOf(g.url), (s) => {
      s.write("GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      const iv = setInterval(() => s.writable && s.write("x-a: b\r\n"), 100);
      s.on("close", () => clearInterval(iv));
    });
    expect(r.text).toMatch(/^HTTP\/1.1 408 Request Timeout/);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(r.closedAfterMs).toBeLessThan(1500);
  });

  it("closes idle connections: a silent one by headersTimeout, a kept-alive one by keepAliveTimeout", async () => {
    const g = await start(edgeApp("idle"), { headersTimeoutMs: 500, requestTimeoutMs: 1000, keepAliveTimeoutMs: 400 });
    const [silent, kept] = await Promise.all([
      raw(portOf(g.url), () => undefined),
      raw(portOf(g.url), (s) => s.write("GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")),
    ]);
    expect(silent.closedAfterMs).not.toBeNull();
    expect(silent.closedAfterMs).toBeLessThan(1500);
    expect(kept.text).toMatch(/^HTTP\/1.1 200 OK/);
    expect(kept.text).toMatch(/keep-alive: timeout=0\r\n|keep-alive: timeout=\d+\r\n/i);
    expect(kept.closedAfterMs).not.toBeNull();
    expect(kept.closedAfterMs).toBeLessThan(2500);
  });

  it("closes a body dribbler after requestTimeout with 408, while a function slower than it still answers", async () => {
    const g = await start(edgeApp("dribble"), { headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const dribble = raw(portOf(g.url), (s) => {
      s.write("POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n");
      const iv = setInterval(() => s.writable && s.write("x"), 100);
      s.on("close", () => clearInterval(iv));
    });
    const slow = send(g.url, "/f?ms=1800"); // the request is complete at once: requestTimeout is not the run time
    const [d, s] = await Promise.all([dribble, slow]);
    expect(d.text).toMatch(/^HTTP\/1.1 408 Request Timeout/);
    expect(d.closedAfterMs).toBeGreaterThanOrEqual(950);
    expect(d.closedAfterMs).toBeLessThan(2500);
    expect(s.status).toBe(200);
  });

  it("caps connections: one past maxConnections gets 503 and is closed; the cap frees when they close", async () => {
    const g = await start(edgeApp("cap"), { maxConnections: 5 });
    const port = portOf(g.url);
    const held = await Promise.all(Array.from({ length: 5 }, () => new Promise<Socket>((r) => {
      const s = connect(port, "127.0.0.1", () => r(s));
      s.on("error", () => undefined);
    })));
    await new Promise((r) => setTimeout(r, 100));
    const over = await raw(port, (s) => s.write("GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 3000);
    expect(over.text).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n/);
    expect(over.text).toMatch(/retry-after: 1\r\n/);
    expect(over.closedAfterMs).toBeLessThan(1500);
    for (const s of held) s.destroy();
    expect(await waitFor(async () => (await send(g.url, "/f")).status === 200, 3000)).toBe(true);
  });

  it("answers 413 that a client still uploading receives (the body is drained first), and keeps serving", async () => {
    const g = await start(edgeApp("big"), { maxBodyBytes: 64 * 1024 });
    // 1 MiB in 64 KiB writes: the 413 comes after the upload, not as a reset in the middle of it.
    const r = await raw(portOf(g.url), (s) => {
      s.write("POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1048576\r\n\r\n");
      let sent = 0;
      const next = () => {
        while (sent < 1048576) {
          sent += 65536;
          if (!s.write(Buffer.alloc(65536, 120))) return void s.once("drain", next);
        }
      };
      next();
    });
    expect(r.reset).toBe(false);
    expect(r.text).toMatch(/^HTTP\/1.1 413 Payload Too Large/);
    expect(r.text).toContain('"error":"request body over 65536 bytes"');
    // Node's client, streaming the body: it gets the 413 as a response, not an error.
    const streamed = await send(g.url, "/f", { method: "POST", body: Buffer.alloc(512 * 1024, 120) });
    expect(streamed.status).toBe(413);
    expect((await send(g.url, "/f", { method: "POST", body: "small" })).status).toBe(200);
  });

  it("gives 503 with Retry-After when the total of buffered bodies is full, and frees it when requests end", async () => {
    const g = await start(neverApp(), { maxBodyBytes: 2000, maxBufferedBytes: 3000, waitTimeoutMs: 1500 });
    const body = Buffer.alloc(1500, 120);
    const held = [send(g.url, "/never", { method: "POST", body }), send(g.url, "/never", { method: "POST", body })];
    expect(await waitFor(() => g.bufferedBodyBytes === 3000, 2000)).toBe(true);
    const full = await send(g.url, "/never", { method: "POST", body });
    expect(full.status).toBe(503);
    expect(full.headers["retry-after"]).toBe("1");
    expect(JSON.parse(full.body)).toEqual({ error: "the gateway holds 3000 bytes of request bodies already; retry shortly", function: "never/never" });
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([504, 504]);
    expect(g.bufferedBodyBytes).toBe(0);
    expect((await send(g.url, "/never", { method: "POST", body: Buffer.alloc(2001) })).status).toBe(413); // per request: 413
  });

  it("strips hop-by-hop headers both ways", async () => {
    const g = await start(edgeApp("hop"));
    const r = await send(g.url, "/f", { headers: { connection: "keep-alive, x-named", "x-named": "secret", "keep-alive": "timeout=99", te: "trailers", "proxy-connection": "keep-alive", upgrade: "websocket", "x-end": "kept" } });
    expect(r.status).toBe(200);
    const seen = (JSON.parse(r.body) as { headers: Record<string, string> }).headers;
    for (const h of ["keep-alive", "te", "proxy-connection", "upgrade", "x-named", "trailer", "transfer-encoding"]) expect(seen[h], h).toBeUndefined();
    expect(seen["connection"] ?? "keep-alive").toBe("keep-alive"); // only the gateway's own hop to the instance (its pooled agent)
    expect(seen["x-end"]).toBe("kept");
    // The instance answered with connection: x-hop-named, keep-alive: timeout=75, upgrade, trailer, x-hop-named.
    expect(r.headers["x-kept"]).toBe("1");
    expect(r.headers["x-hop-named"]).toBeUndefined();
    expect(r.headers["upgrade"]).toBeUndefined();
    expect(r.headers["trailer"]).toBeUndefined();
    expect(r.headers["keep-alive"]).not.toBe("timeout=75");
    expect(r.headers["connection"]).not.toBe("x-hop-named");
  });

  it("honours Connection: close: answers with connection: close and closes", async () => {
    const g = await start(edgeApp("close"));
    const r = await raw(portOf(g.url), (s) => s.write("GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    expect(r.text).toMatch(/^HTTP\/1.1 200 OK/);
    expect(r.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.text).not.toMatch(/keep-alive: timeout=75/i);
    expect(r.closedAfterMs).not.toBeNull();
    expect(r.closedAfterMs).toBeLessThan(2000);
  });

  it("refuses request-smuggling shapes with 400 and closes (llhttp's own checks, and two Host headers)", async () => {
    const g = await start(edgeApp("smuggle"));
    const cases: [string, string][] = [
      ["Content-Length with Transfer-Encoding", "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
      ["Transfer-Encoding with Content-Length", "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"],
      ["a duplicate Content-Length", "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd"],
      ["conflicting Content-Lengths", "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"],
      ["a Content-Length list", "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4, 4\r\n\r\nabcd"],
      ["an obs-fold line", "GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: one\r\n two\r\n\r\n"],
      ["an obs-fold line (tab)", "GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: one\r\n\ttwo\r\n\r\n"],
      ["a Transfer-Encoding other than chunked", "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\nabcd"],
      ["whitespace before a header's colon", "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"],
      ["a bare LF line end", "GET /f HTTP/1.1\nHost: 127.0.0.1\n\n"],
      ["two Host headers", "GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"],
    ];
    for (const [name, request] of cases) {
      const r = await raw(portOf(g.url), (s) => s.write(request));
      expect(r.text, name).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
      expect(r.text.match(/HTTP\/1.1 /g), name).toHaveLength(1); // no second (smuggled) response
      expect(r.closedAfterMs, name).not.toBeNull();
    }
  });

  it("normalises the path once: //evil.example/login stays on this origin, /f/../internal is routed as /internal", async () => {
    const g = await start(edgeApp("paths", { f: "/f", internal: "/internal" }));
    const seen = async (path: string, headers?: Record<string, string>) => {
      const r = await send(g.url, path, headers ? { headers } : {});
      return { status: r.status, ...(r.status === 200 ? (JSON.parse(r.body) as { url: string; path: string; redirect: string }) : { error: (JSON.parse(r.body) as { error: string }).error }) };
    };
    const evil = await seen("//f/evil.example/login?next=1");
    expect(evil).toMatchObject({ status: 200, path: "/f/evil.example/login" });
    expect(new URL((evil as { url: string }).url).hostname).toBe("127.0.0.1");
    expect(new URL((evil as { redirect: string }).redirect).hostname).toBe("127.0.0.1"); // new URL("/next", request.url)
    expect((await seen("//evil.example/login")).status).toBe(404); // routed as /evil.example/login, not a host
    expect(await seen("/f/../internal")).toMatchObject({ status: 200, path: "/internal" });
    expect(await seen("/f/./a//b/")).toMatchObject({ status: 200, path: "/f/a/b/" });
    expect(await seen("/%66/%7Euser")).toMatchObject({ status: 200, path: "/f/~user" }); // unreserved decoded
    expect(await seen("/f/a%20b")).toMatchObject({ status: 200, path: "/f/a%20b" }); // others kept
    expect(await seen("http://evil.example/f/x")).toMatchObject({ status: 200, path: "/f/x" }); // absolute-form: path only
    expect(new URL(((await seen("http://evil.example/f/x")) as { url: string }).url).hostname).toBe("127.0.0.1");
    for (const [path, why] of [
      ["/f/%2e%2e/internal", "an encoded dot segment (%2E) in the path would change routing"],
      ["/f%2Finternal", "an encoded slash (%2F) in the path would change routing"],
      ["/f/..%5Cinternal", "an encoded backslash (%5C) in the path would change routing"],
      ["/../f", "the path climbs above the root (..)"],
      ["/f/%zz", "a malformed percent-encoding in the path"],
      ["/f\\..\\internal", "a backslash in the path is refused (some parsers read it as a slash)"],
    ]) expect(await seen(path as string), path).toEqual({ status: 400, error: `bad request-target: ${why}` });
  });

  it("admin answers only loopback Host names (403 otherwise)", async () => {
    const g = await start(edgeApp("admin"));
    const port = portOf(g.adminUrl);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) expect((await send(g.adminUrl, "/healthz", { headers: { host } })).status, host).toBe(200);
    for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1:1", "localhost"]) {
      const r = await send(g.adminUrl, "/status", { headers: { host } });
      expect(r.status, host).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ error: `host ${JSON.stringify(host)} is not allowed on the admin listener` });
    }
  });

  it("allowedHosts: other hosts get 403; a route's own host is allowed", async () => {
    const g = await start(edgeApp("hosts", { f: "/f", api: "/api" }, { api: "api.test" }), { allowedHosts: ["localhost", "127.0.0.1"] });
    const port = portOf(g.url);
    expect((await send(g.url, "/f", { headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect((await send(g.url, "/f", { headers: { host: `127.0.0.1:${port}` } })).status).toBe(200);
    expect((await send(g.url, "/api", { headers: { host: "api.test" } })).status).toBe(200);
    const rebound = await send(g.url, "/f", { headers: { host: `attacker.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toEqual({ error: `host "attacker.example:${port}" is not allowed here` });
  });
});

describe("edge fixes (process runtime)", () => {
  it("answers Expect: <anything but 100-continue> with 417 and closes, at once (no hang)", async () => {
    const g = await start(edgeApp("expect"));
    const r = await raw(portOf(g.url), (s) => s.write("POST /f HTTP/1.1\r\nhost: localhost\r\nexpect: foo\r\ncontent-length: 2\r\n\r\nhi"), 3000);
    expect(r.text).toMatch(/^HTTP\/1\.1 417 /);
    expect(r.text.toLowerCase()).toContain("connection: close");
    expect(r.closedAfterMs, "closed promptly").not.toBeNull();
    expect(r.closedAfterMs as number).toBeLessThan(2000);
    expect((await send(g.url, "/f")).status).toBe(200);
  });

  it("forwards the verified host: an absolute-form target's authority is the Host and x-forwarded-host the function sees", async () => {
    const g = await start(edgeApp("authority"), { allowedHosts: ["good.example"] });
    const r = await send(g.url, "http://good.example/f", { headers: { host: "evil.example" } });
    expect(r.status).toBe(200);
    const seen = (JSON.parse(r.body) as { headers: Record<string, string> }).headers;
    expect(seen["host"]).toBe("good.example");
    expect(seen["x-forwarded-host"]).toBe("good.example");
    expect((await send(g.url, "http://evil.example/f", { headers: { host: "good.example" } })).status).toBe(403);
    const plain = await send(g.url, "/f", { headers: { host: "good.example:8080" } });
    expect((JSON.parse(plain.body) as { headers: Record<string, string> }).headers["x-forwarded-host"]).toBe("good.example:8080");
  });

  it("one host normalisation for the allow-list and the router: a trailing dot (api.test.) reaches the api.test route", async () => {
    const g = await start(edgeApp("dots", { f: "/f", api: "/api" }, { api: "api.test" }), { allowedHosts: ["localhost"] });
    for (const host of ["api.test", "api.test.", "API.Test.:8080"]) {
      const r = await send(g.url, "/api", { headers: { host } }); // allowed (a route's host) and routed to it, not a 404
      expect(r.status, host).toBe(200);
      expect((JSON.parse(r.body) as { headers: Record<string, string> }).headers["x-forwarded-host"], host).toBe(host);
    }
    const router = new Router(g.graph);
    for (const host of ["api.test", "api.test.", "API.Test.:8080", "[::1]:3000"]) expect(router.match("GET", host, "/api"), host).toMatchObject(host.startsWith("[") ? { status: 404 } : { route: { fn: "dots/api" } });
  });
});

describe("edge normalisation (unit)", () => {
  it.each([
    ["/", "/"],
    ["/a/b/../c", "/a/c"],
    ["/a/./b/.", "/a/b/"],
    ["/a/b/..", "/a/"],
    ["///a//b", "/a/b"],
    ["/%41%62%2D%7e", "/Ab-~"],
    ["/a%2fb".replace("%2f", "%3a"), "/a%3Ab"],
    ["/a?x=/../y", "/a"],
  ])("%s -> %s", (target, path) => {
    expect(normalizeTarget(target)).toMatchObject({ path });
  });
  it("refuses what cannot be one path", () => {
    expect(normalizeTarget("*")).toBe('the request-target "*" is neither a path nor an http URL');
    expect(normalizeTarget("/a#b")).toBe("a request-target cannot carry a fragment (#)");
    expect(normalizeTarget("http://u@h/x")).toBe('the request-target\'s authority "u@h" is not a host');
  });
});

describe("zeroscale dev edge flags", () => {
  async function parse(args: string[]): Promise<string> {
    const cli = createCli();
    let err = "";
    for (const c of [cli, ...cli.commands]) c.exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: () => undefined });
    try {
      await cli.parseAsync(["node", "zeroscale", "dev", "app.ts", ...args]);
    } catch (e) {
      return err.trim().split("\n")[0] || (e as Error).message;
    }
    return "parsed";
  }
  it.each([
    [["--headers-timeout", "soon"], `error ZS-CLI-FLAG zeroscale dev: --headers-timeout ("soon") is not a duration above 0; use one such as "10s", "500ms" or "1m".`],
    [["--request-timeout", "0"], `error ZS-CLI-FLAG zeroscale dev: --request-timeout ("0") is not a duration above 0; use one such as "10s", "500ms" or "1m".`],
    [["--keep-alive-timeout", "-1s"], `error ZS-CLI-FLAG zeroscale dev: --keep-alive-timeout ("-1s") is not a duration above 0; use one such as "10s", "500ms" or "1m".`],
    [["--max-connections", "1.5"], `error ZS-CLI-FLAG zeroscale dev: --max-connections ("1.5") is not a whole number of connections >= 1; use e.g. --max-connections 10000.`],
    [["--max-body", "10 parsecs"], `error ZS-CLI-FLAG zeroscale dev: --max-body ("10 parsecs") is not a size of at least 1 byte; use one such as "10MiB", "512KiB" or "1048576" (units: B, KB, KiB, MB, MiB, GB, GiB).`],
    [["--max-buffered-bytes", "0"], `error ZS-CLI-FLAG zeroscale dev: --max-buffered-bytes ("0") is not a size of at least 1 byte; use one such as "10MiB", "512KiB" or "1048576" (units: B, KB, KiB, MB, MiB, GB, GiB).`],
    [["--allowed-host", "http://x"], `error ZS-CLI-FLAG zeroscale dev: --allowed-host ("http://x") is not a host name, optionally with a port; use one such as "localhost", "app.test:3000" or "[::1]:3000".`],
    [["--headers-timeout", "40s"], `error ZS-CLI-FLAG-CONFLICT zeroscale dev: --headers-timeout ("40000ms") is above --request-timeout (30000ms): the headers are part of the request; lower --headers-timeout or raise --request-timeout.`],
    [["--keep-alive-timeout", "80s"], `error ZS-CLI-FLAG-CONFLICT zeroscale dev: --keep-alive-timeout ("80000ms") is not below the runner's keep-alive of 75s, so the gateway's upstream sockets could be closed under a request; set it below 75s, e.g. --keep-alive-timeout 5s.`],
    [["--max-body", "1GiB"], `error ZS-CLI-FLAG-CONFLICT zeroscale dev: --max-body (1073741824) is above --max-buffered-bytes (268435456 bytes): one body must fit in the budget; lower --max-body or raise --max-buffered-bytes.`],
  ])("refuses %j with an exact error", async (args, message) => {
    expect(await parse(args)).toBe(message);
  });
});

describe("docker({ ... }) edge options", () => {
  it("writes the edge limits given into the gateway config (schema-valid), and refuses bad ones with the gateway's rules", () => {
    const plan = docker({ headersTimeoutMs: 5000, maxConnections: 500, maxBufferedBytes: 64 * 2 ** 20, allowedHosts: ["shop.example"] }).compile(synth(edgeApp("dock")));
    expect(plan.gateway.config).toEqual({ port: 8080, host: "0.0.0.0", adminPort: 9464, networkMode: "bridge", dataPlane: "haproxy", headersTimeoutMs: 5000, maxConnections: 500, maxBufferedBytes: 64 * 2 ** 20, allowedHosts: ["shop.example"] });
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(DOCKER_PLAN_SCHEMA);
    expect(validate(JSON.parse(JSON.stringify(plan))), JSON.stringify(validate.errors)).toBe(true);
    expect(docker().compile(synth(edgeApp("plain"))).gateway.config).toEqual({ port: 8080, host: "0.0.0.0", adminPort: 9464, networkMode: "bridge", dataPlane: "haproxy" });
    expect(() => docker({ headersTimeoutMs: 40_000 })).toThrow("headersTimeoutMs (40000) must not be above requestTimeoutMs (30000): the headers are part of the request");
    expect(() => docker({ maxConnections: 0 })).toThrow("maxConnections (0) must be a whole number >= 1");
  });
});
