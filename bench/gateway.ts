// Gateway benchmarks: overhead (direct vs gateway vs nginx), cold starts (process, Docker), scale-up reaction.
// Loopback only; every load is bounded in time. Prints one JSON object.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import Docker from "dockerode";
import { pino } from "pino";
import { App, ServerlessFunction, synth } from "../lib/index.js";
import { DockerDriver } from "../runtime/drivers/docker.js";
import { runnerPath } from "../runtime/drivers/paths.js";
import { ProcessDriver } from "../runtime/drivers/process.js";
import { freePort, Gateway } from "../runtime/gateway/gateway.js";
import { engineInput, knativeEngine, replayEngine } from "../lib/engines/index.js";

const withNginx = process.argv.includes("--nginx");
const dir = mkdtempSync(join(tmpdir(), "zs-bench-"));
chmodSync(dir, 0o755); // containers run the code as a non-root user
writeFileSync(join(dir, "package.json"), '{"type":"module"}\n');
writeFileSync(join(dir, "ok.js"), 'export const handler = async (req) => { const ms = Number(new URL(req.url).searchParams.get("ms") ?? "0"); if (ms) await new Promise((r) => setTimeout(r, ms)); return new Response("ok"); };\n');
const logger = pino({ level: "silent" });

function fnApp(name: string, policy: Parameters<ServerlessFunction["addScalingPolicy"]>[0], concurrency = 1000) {
  const app = new App({ name });
  const fn = new ServerlessFunction(app, "fn", { code: { path: ".", handler: "ok.js#handler" }, concurrency });
  fn.addTrigger("http", { http: { path: "/" } });
  fn.addScalingPolicy(policy);
  return synth(app);
}

async function waitOk(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} never answered`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Load from a separate process (bench/load-client.mjs): closed loop, microsecond latencies. */
function load(url: string, connections: number, seconds: number): Promise<{ requests: number; rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, "load-client.mjs"), url, String(connections), String(seconds)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load client exited ${code}`))));
  });
}

function spawnRunner(port: number) {
  return spawn(process.execPath, [runnerPath()], { env: { PORT: String(port), ZEROSCALE_HANDLER: join(dir, "ok.js"), ZEROSCALE_EXPORT: "handler" }, stdio: ["ignore", "ignore", "inherit"] });
}

async function overhead(seconds: number) {
  const port = await freePort();
  const direct = spawnRunner(port);
  await waitOk(`http://127.0.0.1:${port}/`);
  const gateway = new Gateway(fnApp("ovh", { minInstances: 1, maxInstances: 1 }), { driver: new ProcessDriver(dir), port: 0, adminPort: 0, logger });
  await gateway.start();
  await waitOk(`${gateway.url}/`);
  const result: Record<string, unknown> = {};
  result["direct"] = await load(`http://127.0.0.1:${port}/`, 10, seconds);
  result["gateway"] = await load(`${gateway.url}/`, 10, seconds);
  if (withNginx) {
    if (spawnSync("sh", ["-c", "command -v nginx"]).status !== 0) spawnSync("sh", ["-c", "apt-get install -y -qq nginx >/dev/null"], { stdio: "inherit" });
    const nport = await freePort();
    const conf = join(dir, "nginx.conf");
    writeFileSync(conf, `worker_processes 1; error_log /dev/null; pid ${dir}/nginx.pid; events { worker_connections 1024; }
http { access_log off; upstream fn { server 127.0.0.1:${port}; keepalive 64; }
server { listen 127.0.0.1:${nport}; location / { proxy_pass http://fn; proxy_http_version 1.1; proxy_set_header Connection ""; } } }\n`);
    const nginx = spawn("nginx", ["-c", conf, "-g", "daemon off;"], { stdio: "ignore" });
    await waitOk(`http://127.0.0.1:${nport}/`);
    result["nginx"] = await load(`http://127.0.0.1:${nport}/`, 10, seconds);
    nginx.kill("SIGTERM");
  }
  await gateway.stop();
  direct.kill("SIGTERM");
  return result;
}

async function coldStartsProcess(runs: number) {
  const viaGateway: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < runs; i++) {
    const gateway = new Gateway(fnApp(`cold${i}`, { initialInstances: 0 }), { driver: new ProcessDriver(dir), port: 0, adminPort: 0, logger });
    await gateway.start();
    const t0 = performance.now();
    const res = await fetch(`${gateway.url}/`);
    await res.text();
    viaGateway.push(performance.now() - t0);
    await gateway.stop();
    const port = await freePort();
    const t1 = performance.now();
    const child = spawnRunner(port);
    await waitOk(`http://127.0.0.1:${port}/`);
    floor.push(performance.now() - t1);
    child.kill("SIGTERM");
  }
  return { viaGateway, floor };
}

async function coldStartsDocker(runs: number) {
  const docker = new Docker();
  if (!(await DockerDriver.reachable(docker))) return null;
  const viaGateway: number[] = [];
  const floor: number[] = [];
  const driver = new DockerDriver({ baseDir: dir, docker });
  for (let i = 0; i < runs; i++) {
    const gateway = new Gateway(fnApp(`dcold${i}`, { initialInstances: 0 }), { driver, port: 0, adminPort: 0, logger });
    await gateway.start();
    const t0 = performance.now();
    await (await fetch(`${gateway.url}/`)).text();
    viaGateway.push(performance.now() - t0);
    await gateway.stop();
    // The floor: `docker start` of the same (already created) container to its first 200.
    const port = await freePort();
    const graph = fnApp(`dfloor${i}`, {});
    const fn = graph.nodes.find((n) => n.kind === "function");
    await driver.prepare(fn as never);
    const inst = await driver.start({ app: `dfloor${i}`, fn: fn as never, port, env: {} });
    await waitOk(`http://127.0.0.1:${port}/`);
    const [c] = await docker.listContainers({ filters: { label: [`zeroscale.dev/app=dfloor${i}`] } });
    const container = docker.getContainer(c?.Id as string);
    await container.stop({ t: 1 });
    const t1 = performance.now();
    await container.start();
    await waitOk(`http://127.0.0.1:${port}/`);
    floor.push(performance.now() - t1);
    await inst.stop(1000);
  }
  return { viaGateway, floor };
}

async function scaleUpReaction() {
  const graph = fnApp("react", { minInstances: 1, maxInstances: 10, metric: { concurrency: 10 } }, 100);
  const gateway = new Gateway(graph, { driver: new ProcessDriver(dir), port: 0, adminPort: 0, logger });
  await gateway.start();
  await waitOk(`${gateway.url}/`);
  let first: number | undefined;
  const t0 = performance.now();
  gateway.on("decision", (d: { desired: number }) => {
    if (first === undefined && d.desired > 1) first = (performance.now() - t0) / 1000;
  });
  await autocannon({ url: `${gateway.url}/?ms=100`, connections: 50, duration: 8 });
  await gateway.stop();
  const fn = graph.nodes.find((n) => n.kind === "function");
  // The same step (50 in flight from t = 0) through the replayer: when Knative's KPA first scales up.
  const points = replayEngine(knativeEngine, engineInput(graph, fn?.id ?? ""), { rate: [{ from: 0, to: 8, rps: 500, duration: 0.1 }] }, { until: 10 });
  const expected = points.find((p) => p.desired > 1)?.t;
  return { gatewaySeconds: first ?? null, knativeExpectedSeconds: expected ?? null, tickSeconds: 2 };
}

const runs = Number(process.env["ZS_BENCH_COLD_RUNS"] ?? "20");
const out = {
  overhead: await overhead(Number(process.env["ZS_BENCH_LOAD_SECONDS"] ?? "5")),
  coldProcess: await coldStartsProcess(runs),
  coldDocker: await coldStartsDocker(runs),
  reaction: await scaleUpReaction(),
};
console.log(JSON.stringify(out));
