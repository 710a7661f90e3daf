// Processes the data-plane benchmark starts: the shared upstream, gateways, nginx and a reference HAProxy.
// Each prints one JSON line (or is probed) once it is ready; every one is stopped by its own pid.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const here = import.meta.dirname;

/** A started helper process and what it reported. */
export interface Started<T> {
  readonly child: ChildProcess;
  readonly info: T;
  stop(): Promise<void>;
}

/** Spawn a process that prints one JSON line when ready; reject if it exits first or takes over `timeoutMs`. */
export function spawnJson<T>(cmd: string, args: readonly string[], timeoutMs = 30_000, env: NodeJS.ProcessEnv = process.env): Promise<Started<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")}: not ready within ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stderr?.on("data", (d) => (err = (err + String(d)).slice(-4000)));
    child.stdout?.on("data", (d) => {
      out += String(d);
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve({ child, info: JSON.parse(out.slice(0, nl)) as T, stop: () => stopChild(child) });
      } catch (e) {
        reject(e);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} ${args.join(" ")} exited ${code} before it was ready:\n${err}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** A free TCP port on 127.0.0.1 (bound and released; fine for the proxies' listen lines). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Poll GET url every `everyMs` until 200 (or throw after timeoutMs). */
export async function waitOk(url: string, timeoutMs = 20_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.text();
      if (res.status === 200) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} never answered 200`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const startUpstream = () => spawnJson<{ port: number; pid: number }>(process.execPath, [join(here, "upstream.mjs")]);

/** The zeroscale gateway (bench/serve-gateway.ts) in its own process, with extra node flags (e.g. --cpu-prof). */
export const startGateway = (upstreamPort: number, plane: "node" | "haproxy", nodeFlags: readonly string[] = []) =>
  spawnJson<{ url: string; pid: number; dataPlane: string }>(process.execPath, [...nodeFlags, "--import", "tsx", join(here, "serve-gateway.ts"), String(upstreamPort), plane], 60_000);

/** nginx, 1 worker, keep-alive upstream pool; its files in `dir`. */
export async function startNginx(dir: string, upstreamPort: number): Promise<Started<{ url: string; pid: number }>> {
  const port = await freePort();
  const d = join(dir, "nginx");
  mkdirSync(d, { recursive: true });
  const conf = join(d, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes 1; error_log ${d}/error.log; pid ${d}/nginx.pid;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path ${d}/body; proxy_temp_path ${d}/proxy; fastcgi_temp_path ${d}/fcgi; uwsgi_temp_path ${d}/uwsgi; scgi_temp_path ${d}/scgi;
  upstream fn { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server { listen 127.0.0.1:${port}; location / { proxy_pass http://fn; proxy_http_version 1.1; proxy_set_header Connection ""; } } }\n`,
  );
  const child = spawn("/usr/sbin/nginx", ["-c", conf, "-p", d, "-g", "daemon off;"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  await waitOk(`${url}/`);
  return { child, info: { url, pid: child.pid as number }, stop: () => stopChild(child) };
}

/**
 * HAProxy with a minimal hand-written config (one frontend, one backend, one server): a reference for what
 * HAProxy itself costs here. NOT zeroscale's HAProxy data plane.
 */
export async function startHandHaproxy(dir: string, upstreamPort: number): Promise<Started<{ url: string; pid: number }>> {
  const port = await freePort();
  const conf = join(dir, "haproxy-hand.cfg");
  writeFileSync(
    conf,
    `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  balance leastconn
  http-reuse safe
  server s0 127.0.0.1:${upstreamPort} maxconn 1000
`,
  );
  const child = spawn("/usr/sbin/haproxy", ["-f", conf, "-db"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  await waitOk(`${url}/`);
  return { child, info: { url, pid: child.pid as number }, stop: () => stopChild(child) };
}
