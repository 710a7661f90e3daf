// No orphans: an instance ends with its gateway, however the gateway dies (SIGKILL included).
// `zeroscale dev --runtime process` is spawned as a user runs it, an instance is woken, the gateway
// is killed with SIGKILL, and within 2 s no runner process remains and its port refuses connections.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runnerPath } from "../runtime/drivers/paths.js";
import { freePort } from "../runtime/index.js";
import { waitFor } from "./support/gateway.js";

const root = new URL("..", import.meta.url).pathname;
const started: number[] = [];

/** The process's state letter from /proc/<pid>/stat, or null when it is gone. */
function state(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? null;
  } catch {
    return null;
  }
}
/** Gone, or a zombie waiting for a reaper (it holds no port and runs no code). */
const ended = (pid: number) => {
  const s = state(pid);
  return s === null || s === "Z" || s === "X";
};

/** Live runner processes whose parent is `ppid` (from /proc). */
function runnersOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== ppid || fields[0] === "Z") continue;
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes("runner/serve.js")) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** The TCP ports a process listens on: its socket inodes (/proc/<pid>/fd) matched in /proc/net/tcp{,6}. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // closed while we looked
    }
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === "0A" && inodes.has(f[9] as string)) ports.push(parseInt((f[1] as string).split(":")[1] as string, 16)); // 0A: LISTEN
    }
  }
  return ports;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      done(true);
    });
    s.on("error", () => done(false));
  });
}

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

describe("no orphans: instances end with the gateway", () => {
  it("SIGKILL of `zeroscale dev --runtime process` ends its runner within 2 s (pid gone, port closed)", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "cli/bin.ts"), "dev", "examples/hello/app.ts", "--runtime", "process", "--port", String(port), "--log-level", "warn"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    started.push(child.pid as number);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    expect(await waitFor(() => out.includes(`http://127.0.0.1:${port}/hello`), 30_000), out).toBe(true);
    const res = await fetch(`http://127.0.0.1:${port}/hello?name=orphan`);
    expect(res.status).toBe(200);

    const runners = runnersOf(child.pid as number);
    expect(runners.length).toBeGreaterThanOrEqual(1);
    started.push(...runners);
    const ports = runners.flatMap(listeningPorts);
    expect(ports.length).toBe(runners.length);
    for (const p of ports) expect(await listening(p)).toBe(true);

    const killedAt = Date.now();
    child.kill("SIGKILL");
    const gone = await waitFor(async () => runners.every(ended) && (await Promise.all(ports.map(listening))).every((l) => !l), 2000);
    const took = Date.now() - killedAt;
    expect(gone, `runners ${runners.map((r) => `${r}:${state(r)}`).join(", ")} still alive ${took} ms after SIGKILL`).toBe(true);
    expect(took).toBeLessThan(2000);
  });

  it("a runner whose parent has no IPC channel ends when it is re-parented (the ppid watch)", { timeout: 20_000 }, async () => {
    const port = await freePort();
    // A parent that starts the runner without an IPC channel, prints its pid, then idles.
    const script = `const c = require("node:child_process").spawn(process.execPath, [${JSON.stringify(runnerPath())}], { stdio: "ignore", env: { ...process.env, PORT: "${port}", ZEROSCALE_HANDLER: ${JSON.stringify(join(root, "examples/hello/src/index.js"))}, ZEROSCALE_EXPORT: "handler" } }); console.log(c.pid); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    started.push(parent.pid as number);
    let out = "";
    parent.stdout.on("data", (d) => (out += d));
    expect(await waitFor(() => /\d+\n/.test(out), 10_000)).toBe(true);
    const runner = Number(out.trim());
    started.push(runner);
    expect(await waitFor(() => listening(port), 10_000)).toBe(true);

    const killedAt = Date.now();
    parent.kill("SIGKILL");
    const gone = await waitFor(async () => ended(runner) && !(await listening(port)), 2000);
    expect(gone, `runner ${runner} (${state(runner)}) still alive ${Date.now() - killedAt} ms after its parent's SIGKILL`).toBe(true);
  });
});
