// `zeroscale dev` as a user runs it: spawned, serving examples/hello on localhost, stopped with Ctrl-C.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coldStartFromFlags } from "../cli/dev.js";
import { freePort } from "../runtime/index.js";
import { containersOf, hasDocker } from "./support/docker.js";
import { waitFor } from "./support/gateway.js";

const root = new URL("..", import.meta.url).pathname;

async function runDev(runtime: "process" | "docker") {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, "bin/zeroscale.js"), "dev", "examples/hello/app.ts", "--runtime", runtime, "--port", String(port), "--log-level", "warn"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  expect(await waitFor(() => out.includes(`http://127.0.0.1:${port}/hello`), 30_000)).toBe(true);
  const res = await fetch(`http://127.0.0.1:${port}/hello?name=dev`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ message: "hello, dev" });
  expect(await waitFor(() => /hello\/hello -> \d+ \(/.test(out), 8000)).toBe(true); // the first decision, with its reason
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  return out;
}

describe("zeroscale dev", () => {
  it("serves examples/hello as processes, prints its routes, and stops cleanly on Ctrl-C", async () => {
    const out = await runDev("process");
    expect(out).toContain("zeroscale dev: hello on processes");
    expect(out).toContain("stopped.");
  });

  it.skipIf(!hasDocker)("serves examples/hello as containers and removes every container it made", async () => {
    const out = await runDev("docker");
    expect(out).toContain("zeroscale dev: hello on Docker");
    expect(await containersOf("hello")).toEqual([]);
  });
});

/** `zeroscale dev` from the sources (tsx), for the flags this tree adds before dist/ is rebuilt. */
function devFromSource(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "cli/bin.ts"), "dev", "examples/hello/app.ts", "--runtime", "process", "--log-level", "warn", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let stdout = "";
  child.stdout.on("data", (d) => ((out += d), (stdout += d)));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, exited, output: () => out, stdout: () => stdout };
}

describe("zeroscale dev flags", () => {
  it.each([
    [["--cold-start-buffer", "abc"], 'error ZS-CLI-FLAG zeroscale dev: --cold-start-buffer ("abc") is not a whole number of requests >= 1; use e.g. --cold-start-buffer 100.'],
    [["--cold-start-buffer", "0"], 'error ZS-CLI-FLAG zeroscale dev: --cold-start-buffer ("0") is not a whole number of requests >= 1; use e.g. --cold-start-buffer 100.'],
    [["--cold-start-wait", "5x"], `error ZS-CLI-FLAG zeroscale dev: --cold-start-wait ("5x") is not a duration above 0; use one such as "500ms", "30s" or "2m".`],
    [["--emulate", "kube"], 'error ZS-CLI-FLAG zeroscale dev: --emulate ("kube") is not one of zeroscale, knative, keda, cloudrun, aca, lambda; use one of zeroscale, knative, keda, cloudrun, aca, lambda.'],
    [["--emulate", "knatve"], 'error ZS-CLI-FLAG zeroscale dev: --emulate ("knatve") is not one of zeroscale, knative, keda, cloudrun, aca, lambda; did you mean --emulate knative? Use one of zeroscale, knative, keda, cloudrun, aca, lambda.'],
    [["--cold-start-reject", "--cold-start-wait", "5s"], "error ZS-CLI-FLAG-CONFLICT zeroscale dev: --cold-start-reject (true) cannot be combined with --cold-start-wait (reject mode holds no request); drop one of them."],
  ])("refuses %j with an exact error, exit 2", async (args, message) => {
    const run = devFromSource(args);
    expect(await run.exited).toBe(2);
    expect(run.output().trim().split("\n")[0]).toBe(message);
  });

  it("--json prints status as JSON lines: ready (with routes), then stopping and stopped", async () => {
    const port = await freePort();
    const run = devFromSource(["--port", String(port), "--json"]);
    expect(await waitFor(() => run.output().includes('"event":"ready"'), 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    const events = run.stdout().trim().split("\n").map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
    expect(events[0]).toMatchObject({ event: "ready", app: "hello", runtime: "process", engine: "zeroscale", url: `http://127.0.0.1:${port}`, routes: [{ url: `http://127.0.0.1:${port}/hello`, path: "/hello", function: "hello/hello" }] });
    expect(events.map((e) => e.event).slice(-2)).toEqual(["stopping", "stopped"]);
  });

  it("--emulate knative --cold-start-reject: the header says what runs", async () => {
    const port = await freePort();
    const run = devFromSource(["--port", String(port), "--emulate", "knative", "--grace", "4", "--cold-start-reject"]);
    expect(await waitFor(() => run.output().includes(`http://127.0.0.1:${port}/hello`), 30_000)).toBe(true);
    expect(run.output()).toContain("zeroscale dev: hello on processes, emulating knative's scaling");
    expect(run.output()).toMatch(/hello\/hello: \d+-\d+ instances, concurrency target [\d.]+ per instance, zero \d+s after the last request, cold start: 503 at once/);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
  });
});

describe("coldStartFromFlags", () => {
  it("gives only the fields the flags set (the gateway merges them over each function's cold start)", () => {
    expect(coldStartFromFlags({})).toBeUndefined();
    expect(coldStartFromFlags({ coldStartBuffer: 5 })).toEqual({ mode: "buffer", maxRequests: 5 });
    expect(coldStartFromFlags({ coldStartWait: 2500 })).toEqual({ mode: "buffer", maxWaitSeconds: 2.5 });
    expect(coldStartFromFlags({ coldStartBuffer: 5, coldStartWait: 2500 })).toEqual({ mode: "buffer", maxRequests: 5, maxWaitSeconds: 2.5 });
    expect(coldStartFromFlags({ coldStartReject: true })).toEqual({ mode: "reject" });
  });
});
