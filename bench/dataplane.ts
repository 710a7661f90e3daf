// Data-plane throughput: one shared upstream; direct, the zeroscale gateway (Node and HAProxy data planes),
// HAProxy with a minimal hand config (reference) and nginx; wrk -t1 -c32, rounds interleaved across paths,
// CPU per request from /proc. Loopback only, every load bounded. Prints one JSON object.
//   tsx bench/dataplane.ts [--rounds 5] [--seconds 5] [--client-seconds 5]
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { descendants, clockTicks, cpuTicks, parseWrk, type WrkResult } from "./stats.js";
import { startGateway, startHandHaproxy, startNginx, startUpstream, type Started } from "./procs.js";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg("rounds", 5);
const SECONDS = arg("seconds", 5);
const CLIENT_SECONDS = arg("client-seconds", 5);
const CONNECTIONS = 32;
const root = join(import.meta.dirname, "..");

/** A path under test: where to send load, and which processes are the proxy (data plane / control plane). */
interface Path {
  readonly name: string;
  readonly url: string;
  readonly dataPlanePids: () => number[];
  readonly controlPlanePids: () => number[];
}

/** One round on one path. CPU in µs per request. */
interface Round extends WrkResult {
  readonly dataPlaneUsPerReq: number;
  readonly controlPlaneUsPerReq: number;
  readonly upstreamUsPerReq: number;
}

function wrk(url: string, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/wrk", ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", `${url}/`], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${out}`));
      try {
        resolve(parseWrk(out));
      } catch (e) {
        reject(e);
      }
    });
  });
}

function loadClient(url: string, seconds: number): Promise<{ requests: number; rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, "load-client.mjs"), `${url}/`, String(CONNECTIONS), String(seconds)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load client exited ${code}`))));
  });
}

const sumTicks = (pids: readonly number[]) => pids.reduce((s, p) => s + cpuTicks(p), 0);

async function measure(path: Path, upstreamPid: number, seconds: number, hz: number): Promise<Round> {
  const dp = path.dataPlanePids();
  const cp = path.controlPlanePids();
  const before = [sumTicks(dp), sumTicks(cp), cpuTicks(upstreamPid)];
  const r = await wrk(path.url, seconds);
  const after = [sumTicks(dp), sumTicks(cp), cpuTicks(upstreamPid)];
  const us = (i: number) => ((((after[i] as number) - (before[i] as number)) / hz) * 1e6) / Math.max(1, r.requests);
  return { ...r, dataPlaneUsPerReq: dp.length ? us(0) : 0, controlPlaneUsPerReq: cp.length ? us(1) : 0, upstreamUsPerReq: us(2) };
}

async function main(): Promise<void> {
  const hz = clockTicks();
  const dir = mkdtempSync(join(tmpdir(), "zs-dataplane-"));
  const started: Started<unknown>[] = [];
  const notes: string[] = [];
  try {
    const upstream = await startUpstream();
    started.push(upstream);
    const up = upstream.info;
    const paths: Path[] = [{ name: "direct", url: `http://127.0.0.1:${up.port}`, dataPlanePids: () => [], controlPlanePids: () => [] }];

    const node = await startGateway(up.port, "node");
    started.push(node);
    paths.push({ name: "zeroscale, Node data plane", url: node.info.url, dataPlanePids: () => [node.info.pid], controlPlanePids: () => [] });

    // The HAProxy data plane: only when the tree has it (runtime/gateway/haproxy/) and the gateway really put
    // an haproxy process in front (never a stand-in).
    let haproxyPlane = false;
    if (existsSync(join(root, "runtime/gateway/haproxy/index.ts"))) {
      try {
        const hp = await startGateway(up.port, "haproxy");
        started.push(hp);
        const workers = descendants(hp.info.pid, "haproxy");
        if (workers.length === 0) {
          notes.push("the gateway started with dataPlane \"haproxy\" but no haproxy process runs under it: not measured");
        } else {
          haproxyPlane = true;
          paths.push({ name: "zeroscale, HAProxy data plane", url: hp.info.url, dataPlanePids: () => descendants(hp.info.pid, "haproxy"), controlPlanePids: () => [hp.info.pid] });
        }
      } catch (e) {
        notes.push(`the HAProxy data plane did not start: ${String((e as Error).message).split("\n").slice(0, 3).join(" ")}`);
      }
    } else {
      notes.push("this tree has no runtime/gateway/haproxy/: the HAProxy data plane was not measured");
    }

    const hand = await startHandHaproxy(dir, up.port);
    started.push(hand);
    paths.push({ name: "HAProxy, minimal hand config (reference)", url: hand.info.url, dataPlanePids: () => [hand.info.pid], controlPlanePids: () => [] });
    const nginx = await startNginx(dir, up.port);
    started.push(nginx);
    paths.push({ name: "nginx, 1 worker, keep-alive upstream", url: nginx.info.url, dataPlanePids: () => [nginx.info.pid, ...descendants(nginx.info.pid)], controlPlanePids: () => [] });

    for (const p of paths) await wrk(p.url, 1); // warm-up (JIT, connection pools)
    const rounds = new Map<string, Round[]>(paths.map((p) => [p.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved (ABAB...), the order rotated each round so no path always follows the same one.
      for (let k = 0; k < paths.length; k++) {
        const p = paths[(k + r) % paths.length] as Path;
        rounds.get(p.name)?.push(await measure(p, up.pid, SECONDS, hz));
      }
    }
    const client: Record<string, unknown> = {};
    for (const p of paths) client[p.name] = await loadClient(p.url, CLIENT_SECONDS);
    console.log(JSON.stringify({ connections: CONNECTIONS, rounds: ROUNDS, seconds: SECONDS, clientSeconds: CLIENT_SECONDS, haproxyPlane, notes, paths: Object.fromEntries(rounds), client }));
  } finally {
    for (const s of started.reverse()) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
