// Gateway benchmarks other than throughput (that is bench/dataplane.ts): cold starts through the activator
// (process runtime: both data planes; Docker: the HAProxy data plane) against the bare floor, and the
// scale-up reaction. Loopback only; every load is bounded in time. Prints one JSON object.
//   tsx bench/gateway.ts [--cold-runs 20] [--no-docker] [--no-reaction]
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import Docker from "dockerode";
import { pino } from "pino";
import { engineInput, knativeEngine, replayEngine } from "../lib/engines/index.js";
import { App, ServerlessFunction, synth } from "../lib/index.js";
import { DockerDriver, LABEL_APP, LABEL_FUNCTION } from "../runtime/drivers/docker.js";
import { LABEL_PORT, PrecreatedContainersDriver } from "../runtime/drivers/precreated.js";
import { runnerPath } from "../runtime/drivers/paths.js";
import { ProcessDriver } from "../runtime/drivers/process.js";
import type { Driver } from "../runtime/drivers/types.js";
import { freePort, Gateway } from "../runtime/gateway/gateway.js";
import { waitOk } from "./procs.js";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const COLD_RUNS = arg("cold-runs", 20);
const logger = pino({ level: "silent" });
type Plane = "node" | "haproxy";

function fnApp(name: string, policy: Parameters<ServerlessFunction["addScalingPolicy"]>[0], concurrency = 1000) {
  const app = new App({ name });
  const fn = new ServerlessFunction(app, "fn", { code: { path: ".", handler: "ok.js#handler" }, concurrency });
  fn.addTrigger("http", { http: { path: "/" } });
  fn.addScalingPolicy(policy);
  return synth(app);
}

/** The function's code folder: a trivial handler (optionally sleeping ?ms=N). */
function codeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "zs-bench-"));
  chmodSync(dir, 0o755); // containers run the code as a non-root user
  writeFileSync(join(dir, "package.json"), '{"type":"module"}\n');
  writeFileSync(join(dir, "ok.js"), 'export const handler = async (req) => { const ms = Number(new URL(req.url).searchParams.get("ms") ?? "0"); if (ms) await new Promise((r) => setTimeout(r, ms)); return new Response("ok"); };\n');
  return dir;
}

/** From the first request to a function at zero to its response, through a fresh gateway. */
async function coldViaGateway(name: string, driver: Driver, plane: Plane, graph = fnApp(name, { initialInstances: 0 })): Promise<number> {
  const gateway = new Gateway(graph, { driver, port: 0, adminPort: 0, logger, dataPlane: plane });
  await gateway.start();
  try {
    const t0 = performance.now();
    const res = await fetch(`${gateway.url}/`);
    await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`cold start via the ${plane} data plane: HTTP ${res.status}`);
    return ms;
  } finally {
    await gateway.stop();
  }
}

async function coldStartsProcess(dir: string, runs: number) {
  const out = { floor: [] as number[], node: [] as number[], haproxy: [] as number[] };
  const driver = new ProcessDriver(dir);
  for (let i = 0; i < runs; i++) {
    // Interleaved: the floor, then each data plane, every run.
    const port = await freePort();
    const t1 = performance.now();
    const child = spawn(process.execPath, [runnerPath()], { env: { PORT: String(port), ZEROSCALE_HANDLER: join(dir, "ok.js"), ZEROSCALE_EXPORT: "handler" }, stdio: ["ignore", "ignore", "inherit"] });
    await waitOk(`http://127.0.0.1:${port}/`, 20_000, 1);
    out.floor.push(performance.now() - t1);
    child.kill("SIGTERM");
    out.node.push(await coldViaGateway(`cold-n${i}`, driver, "node"));
    out.haproxy.push(await coldViaGateway(`cold-h${i}`, driver, "haproxy"));
  }
  return out;
}

/**
 * Docker. The Docker backend starts containers Pulumi pre-created (PrecreatedContainersDriver), so the
 * like-for-like pair is: the floor, `docker start` of such a container to its first 200; and the first request
 * through a fresh gateway (HAProxy data plane) at zero, which starts that same container. `zeroscale dev` on
 * Docker creates a container per start instead (DockerDriver): measured too, with fewer runs.
 */
async function coldStartsDocker(dir: string, runs: number) {
  const docker = new Docker();
  if (!(await DockerDriver.reachable(docker))) return null;
  const dev = new DockerDriver({ baseDir: dir, docker });
  // Its own driver: a gateway's stop() closes its driver, removing the runner files the container binds.
  const tplDriver = new DockerDriver({ baseDir: dir, docker });
  const out = { floor: [] as number[], haproxy: [] as number[], devCreate: [] as number[] };
  // The pre-created container: the dev driver's container config, labelled as the Docker backend's are.
  const app = "zsbenchpre";
  const graph = fnApp(app, { initialInstances: 0, maxInstances: 1 });
  const fn = graph.nodes.find((n) => n.kind === "function") as Parameters<Driver["prepare"]>[0];
  await tplDriver.prepare(fn);
  const port = await freePort();
  const template = await tplDriver.start({ app: "zsbenchtpl", fn, port, env: {} });
  await waitOk(`http://127.0.0.1:${port}/`);
  const [t] = await docker.listContainers({ filters: { label: ["zeroscale.dev/app=zsbenchtpl"] } });
  const tc = docker.getContainer(t?.Id as string);
  const info = await tc.inspect();
  // Not template.stop(): that also deletes the files the container binds, which the copy needs.
  await tc.stop({ t: 1 });
  await tc.remove({ force: true });
  void template;
  const pre = await docker.createContainer({
    name: `zs-bench-pre-${process.pid}`,
    Image: info.Config.Image,
    Env: info.Config.Env,
    ...(info.Config.Entrypoint ? { Entrypoint: info.Config.Entrypoint } : {}),
    ...(info.Config.Cmd ? { Cmd: info.Config.Cmd } : {}),
    ...(info.Config.User ? { User: info.Config.User } : {}),
    Labels: { [LABEL_APP]: app, [LABEL_FUNCTION]: fn.id, [LABEL_PORT]: String(port) },
    HostConfig: info.HostConfig,
  });
  try {
    const driver = new PrecreatedContainersDriver(app, { docker });
    for (let i = 0; i < runs; i++) {
      const t1 = performance.now();
      await pre.start();
      await waitOk(`http://127.0.0.1:${port}/`, 20_000, 1);
      out.floor.push(performance.now() - t1);
      await pre.stop({ t: 1 });
      out.haproxy.push(await coldViaGateway(app, driver, "haproxy", graph));
      if (i < Math.ceil(runs / 2)) out.devCreate.push(await coldViaGateway(`dcold${i}`, dev, "haproxy"));
    }
  } finally {
    await pre.remove({ force: true }).catch(() => undefined);
    tplDriver.close();
    dev.close();
  }
  return out;
}

async function scaleUpReaction(dir: string) {
  const graph = fnApp("react", { minInstances: 1, maxInstances: 10, metric: { concurrency: 10 } }, 100);
  const gateway = new Gateway(graph, { driver: new ProcessDriver(dir), port: 0, adminPort: 0, logger, dataPlane: "node" });
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

const dir = codeDir();
try {
  const out = {
    coldProcess: await coldStartsProcess(dir, COLD_RUNS),
    coldDocker: process.argv.includes("--no-docker") ? null : await coldStartsDocker(dir, COLD_RUNS),
    reaction: process.argv.includes("--no-reaction") ? null : await scaleUpReaction(dir),
  };
  console.log(JSON.stringify(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
