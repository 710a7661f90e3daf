// `zeroscale replay`: the CLI on a fixture app (test/fixtures/replay/app.ts) and its traces, as a
// user runs it (from the sources with tsx, so it needs no rebuilt dist/), plus its trace parser and
// timeline analysis in-process.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { synth } from "zeroscale";
import { backlogWaits, BILLING_NOTES, pricesOf, replayFunction, requestWaits, sparkline, starts } from "../cli/replay.js";
import fixtureApp from "./fixtures/replay/app.js";
import { FlagError } from "../cli/flags.js";
import { parseCsvTrace, parseJsonTrace, readTraceFile, traceFor } from "../cli/trace.js";

const root = new URL("..", import.meta.url).pathname;
const app = "test/fixtures/replay/app.ts";
const csv = "test/fixtures/replay/burst.csv";
const json = "test/fixtures/replay/burst.json";
const tmp = () => mkdtempSync(join(tmpdir(), "zeroscale-replay-"));

function zeroscale(...args: string[]) {
  const env = { ...process.env };
  delete env["FORCE_COLOR"];
  delete env["NO_COLOR"];
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "cli/bin.ts"), "replay", ...args], { cwd: root, encoding: "utf8", timeout: 120_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every element named `name` anywhere in a parsed XML tree. */
function elements(node: unknown, name: string, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) for (const n of node) elements(n, name, out);
  else if (typeof node === "object" && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === name) for (const e of Array.isArray(v) ? v : [v]) out.push(e as Record<string, unknown>);
      elements(v, name, out);
    }
  }
  return out;
}

/** The text of every <text> element. */
function texts(node: unknown): string[] {
  return elements(node, "text").map((t) => String(typeof t === "object" && t !== null ? (t["#text"] ?? "") : t));
}

describe("zeroscale replay", () => {
  const dir = tmp();
  let first: ReturnType<typeof zeroscale>;
  let again: ReturnType<typeof zeroscale>;
  beforeAll(() => {
    first = zeroscale(app, "--trace", csv, "--plot", join(dir, "a.svg"));
    again = zeroscale(app, "--trace", csv, "--plot", join(dir, "b.svg"));
  }, 240_000);

  it("prints per function the instances, cold starts, waits and the cost against always-on", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const out = first.stdout;
    expect(out).toContain(`replay of ${csv} for app rp on zeroscale, seconds 0 to 281, cold start 1 s\n`);
    expect(out).toContain("prices: 0.000024 USD per vCPU-second, 0.0000025 per GiB-second (Google Cloud Run request-based billing, Tier 1 (https://cloud.google.com/run/pricing");
    // api: at zero until the first request (initialInstances 0), woken by it; 1 + 30 + 20 rps x 30 s requests.
    expect(out).toContain("rp/api  (cpu 1, memory 512Mi, instances 0..5, concurrency target 10)\n");
    expect(out).toMatch(/\n {2}instances {2}\| ▄▄▄█+▄▄▄ +\| {2}peak 2; one column = 5 seconds \(its peak\), blank = zero\n/);
    expect(out).toContain("  cold starts  1 start from zero, 2 instance starts in all; to zero 30 s after the last activity\n");
    expect(out).toContain("  waited for an instance  1 of 631 requests: p50 <= 1.0 s, max <= 1.0 s (upper bounds: the replay moves in one-second steps)\n");
    expect(out).toContain("    as replayed                    152.0     152.0      76.0    0.003838\n");
    expect(out).toContain("    always on at max (5)          1405.0    1405.0     702.5    0.035476\n");
    expect(out).toContain("    always on at 1                 281.0     281.0     140.5    0.007095\n");
    expect(out).toContain("  scaling as replayed saves 89.2 % against always on at max, saves 45.9 % against 1 instance always on\n");
    // worker: one instance on deploy, four for a backlog of 35 (target 10 each), zero 30 s after it drains.
    expect(out).toContain("rp/worker  (cpu 500m, memory 1Gi, instances 0..4, queueLength target 10)\n");
    expect(out).toContain("  cold starts  1 start from zero, 4 instance starts in all; to zero 30 s after the last activity\n");
    expect(out).toContain("  queued with no instance ready  0.0 s in all, longest 0.0 s\n");
    expect(out).toContain("    as replayed                    241.0     120.5     241.0    0.003495\n");
    expect(out).toContain(`\nwrote ${join(dir, "a.svg")}\n`);
  });

  it("is deterministic: the same trace gives the same text and a byte-identical SVG", () => {
    expect(again.code).toBe(0);
    expect(again.stdout.replace("b.svg", "a.svg")).toBe(first.stdout);
    expect(readFileSync(join(dir, "b.svg"))).toEqual(readFileSync(join(dir, "a.svg")));
  });

  it("writes an SVG that parses as XML, with each function's desired and ready series", () => {
    const svg = readFileSync(join(dir, "a.svg"), "utf8");
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(svg);
    expect(doc.svg["@xmlns"]).toBe("http://www.w3.org/2000/svg");
    const words = texts(doc);
    for (const w of ["rp/api", "rp/worker", "desired (starting + ready)", "ready", "seconds", "instances"]) expect(words).toContain(w);
    // Two line marks (desired, ready) in each function's panel, each a drawn path.
    const lines = elements(doc, "g").filter((g) => String(g["@class"] ?? "").includes("mark-line"));
    const paths = lines.flatMap((g) => elements(g, "path")).filter((p) => String(p["@d"] ?? "").length > 10);
    expect(paths.length).toBe(4);
  });

  it("reads the same trace as JSON", { timeout: 240_000 }, () => {
    const r = zeroscale(app, "--trace", json);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(first.stdout.replace(csv, json).replace(`\nwrote ${join(dir, "a.svg")}\n`, ""));
  });

  it("replays one function on another backend, with its own prices and fixed size, and prints the engine's diagnostics", { timeout: 240_000 }, () => {
    const r = zeroscale(app, "--trace", csv, "--fn", "api", "--backend", "keda", "--fixed-size", "2", "--price-vcpu-second", "1", "--price-gib-second", "0");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning ZS-KEDA-INITIAL rp/api/scaling: initialInstances (0) has no KEDA equivalent");
    expect(r.stdout).toContain(`replay of ${csv} for app rp on keda, seconds 0 to 281`);
    expect(r.stdout).toContain("prices: 1 USD per vCPU-second, 0 per GiB-second (--price-vcpu-second and --price-gib-second given)");
    expect(r.stdout).not.toContain("rp/worker");
    expect(r.stdout).toContain("    always on at 2                 562.0     562.0     281.0  562.000000\n");
    // KEDA's ScaledObject wakes on its poll, so requests wait at zero (the zeroscale replay above: 1).
    expect(r.stdout).toMatch(/waited for an instance {2}(\d+) of 631 requests/);
    expect(Number(/waited for an instance {2}(\d+) of/.exec(r.stdout)?.[1])).toBeGreaterThan(1);
  });

  it("fails with a flag error (exit 2) on a missing file, a bad row, an unknown backend or function", { timeout: 240_000 }, () => {
    const bad = join(tmp(), "bad.csv");
    writeFileSync(bad, "at,count\n0,1\n# comment\nabc,2\n");
    const cases: [string[], string][] = [
      [["--trace", "no-such-trace.csv"], 'error ZS-CLI-TRACE-FILE zeroscale replay: --trace ("no-such-trace.csv") names no file; give a CSV or JSON trace file (docs/replay.md describes them).\n'],
      [["--trace", bad], `error ZS-CLI-TRACE-FILE ${bad}:4: at ("abc") is not a number of seconds >= 0; rows are requests (at[,count][,duration]), a constant rate (at,to,rps[,duration]) or a queue depth (at,depth), each with an optional fn; at/to/duration in seconds.\n`],
      [["--trace", csv, "--backend", "knativ"], 'error ZS-CLI-FLAG zeroscale replay: --backend ("knativ") is not one of zeroscale, gateway, docker, knative, keda, cloudrun, aca, lambda; did you mean --backend knative? Use one of zeroscale, gateway, docker, knative, keda, cloudrun, aca, lambda.\n'],
      [["--trace", csv, "--fn", "nope"], 'error ZS-CLI-FLAG zeroscale replay: --fn ("nope") is not a function of app "rp"; use one of rp/api, rp/worker.\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = zeroscale(app, ...args);
      expect({ args, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ args, code: 2, stderr, stdout: "" });
    }
  });
});

describe("docs/replay.md", () => {
  it("shows what the example trace prints, and its plot", { timeout: 240_000 }, () => {
    const dir = tmp();
    const r = zeroscale("examples/orders/app.ts", "--trace", "examples/orders/trace.csv", "--plot", join(dir, "orders.svg"));
    expect(r.code).toBe(0);
    const doc = readFileSync(join(root, "docs/replay.md"), "utf8");
    const shown = /<!-- generated: zeroscale replay examples\/orders\/app\.ts --trace examples\/orders\/trace\.csv -->\n```text\n([^`]*)```/.exec(doc)?.[1];
    expect(`${shown}\nwrote ${join(dir, "orders.svg")}\n`, "regenerate the block in docs/replay.md").toBe(r.stdout);
    expect(readFileSync(join(dir, "orders.svg"), "utf8"), "regenerate docs/replay-orders.svg with --plot docs/replay-orders.svg").toBe(readFileSync(join(root, "docs/replay-orders.svg"), "utf8"));
  });
});

describe("trace files", () => {
  const problem = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof FlagError) return e.message;
      throw e;
    }
    throw new Error("no error");
  };

  it("reads requests, constant rates and queue depth, each for a function or for all", () => {
    const rows = parseCsvTrace("# c\nfn,at,count,duration,to,rps,depth\n\napi,1,3,0.5,,,\n,2,,,,,\nw,0,,,,,5\napi,10,,,20,2,\n", "t.csv");
    expect(rows).toEqual([
      { kind: "requests", fn: "api", at: 1, count: 3, duration: 0.5 },
      { kind: "requests", fn: null, at: 2, count: 1, duration: 0.1 },
      { kind: "depth", fn: "w", at: 0, value: 5 },
      { kind: "rate", fn: "api", from: 10, to: 20, rps: 2, duration: 0.1 },
    ]);
    expect(traceFor(rows, "api")).toEqual({ requests: [1, 1, 1].map((at) => ({ at, duration: 0.5 })).concat([{ at: 2, duration: 0.1 }]), rate: [{ from: 10, to: 20, rps: 2, duration: 0.1 }] });
    expect(traceFor(rows, "w")).toEqual({ requests: [{ at: 2, duration: 0.1 }], depth: [{ at: 0, value: 5 }] });
    expect(parseJsonTrace('[{"at":1,"count":2},{"at":3,"depth":4}]', "t.json")).toEqual([
      { kind: "requests", fn: null, at: 1, count: 2, duration: 0.1 },
      { kind: "depth", fn: null, at: 3, value: 4 },
    ]);
  });

  it("names the line (CSV) or entry (JSON), the column and what is allowed", () => {
    expect(problem(() => parseCsvTrace("at,speed\n", "t.csv"))).toMatch(/^error ZS-CLI-TRACE-FILE t\.csv:1: \(header\) \("speed"\) is not a column; the first line names the columns, of fn, at, count, duration, to, rps, depth; rows are/);
    expect(problem(() => parseCsvTrace("count\n1\n", "t.csv"))).toMatch(/t\.csv:1: \(header\) \("count"\) has no at column/);
    expect(problem(() => parseCsvTrace("at,count\n1,0\n", "t.csv"))).toMatch(/t\.csv:2: count \("0"\) is not a whole number >= 1/);
    expect(problem(() => parseCsvTrace("at,count\n1,2,3\n", "t.csv"))).toMatch(/t\.csv:2: \(line\) \("1,2,3"\) has 3 cells, but the header names 2 \(at,count\)/);
    expect(problem(() => parseCsvTrace("at,to,rps\n5,3,1\n", "t.csv"))).toMatch(/t\.csv:2: to \("3"\) is not after at \(5\)/);
    expect(problem(() => parseCsvTrace("at,depth,count\n5,3,1\n", "t.csv"))).toMatch(/t\.csv:2: count \("1"\) does not belong in a queue-depth row/);
    expect(problem(() => parseCsvTrace("at\n-1\n", "t.csv"))).toMatch(/t\.csv:2: at \("-1"\) is not a number of seconds >= 0/);
    expect(problem(() => parseCsvTrace("\n# only a comment\n", "t.csv"))).toMatch(/zeroscale replay: --trace \("t\.csv"\) has no header line; write one naming the columns/);
    expect(problem(() => parseJsonTrace("{", "t.json"))).toMatch(/zeroscale replay: --trace \("t\.json"\) is not valid JSON/);
    expect(problem(() => parseJsonTrace('{"depth":[{"at":1}]}', "t.json"))).toMatch(/t\.json: depth\[0\]: depth \(missing\) is required/);
    expect(problem(() => parseJsonTrace('{"requests":[{"at":1,"depth":2}]}', "t.json"))).toMatch(/t\.json: requests\[0\]: depth \(2\) does not belong in a requests entry; move the entry to rate or depth/);
    expect(problem(() => parseJsonTrace('[{"at":"soon"}]', "t.json"))).toMatch(/t\.json: \[0\]: at \("soon"\) is not a number of seconds >= 0/);
    expect(problem(() => parseJsonTrace('{"bursts":[]}', "t.json"))).toMatch(/t\.json: \(key\) \("bursts"\) is not a trace key; use requests, rate and depth arrays/);
    expect(problem(() => parseJsonTrace("3", "t.json"))).toMatch(/--trace \("t\.json"\) holds a number, not an array of rows/);
    expect(problem(() => parseCsvTrace("fn,count\napi,1\n", "t.csv"))).toMatch(/t\.csv:1: \(header\) \("fn,count"\) has no at column/);
  });
});

describe("timeline analysis", () => {
  it("counts starts from zero and instance starts", () => {
    expect(starts([0, 1, 3, 3, 1, 0, 0, 2])).toEqual({ fromZero: 2, instances: 5 });
    expect(starts([1, 1])).toEqual({ fromZero: 1, instances: 1 });
  });

  it("measures each request's wait for a ready instance, to the next whole second", () => {
    // ready[i] is second i + 1: ready from second 3 on.
    const w = requestWaits({ requests: [{ at: 1.5, duration: 1 }, { at: 2.25, duration: 1 }, { at: 4, duration: 1 }] }, [0, 0, 1, 1, 1]);
    expect(w).toEqual({ requests: 3, waited: [0.75, 1.5], unserved: 0 });
    expect(requestWaits({ rate: [{ from: 0, to: 2, rps: 1, duration: 0.1 }] }, [0, 0])).toEqual({ requests: 2, waited: [], unserved: 2 });
  });

  it("measures how long a backlog waited with no instance ready", () => {
    expect(backlogWaits({ depth: [{ at: 1, value: 5 }, { at: 4, value: 0 }] }, [0, 0, 1, 1, 0])).toEqual({ total: 2, longest: 2 });
    expect(backlogWaits({ requests: [] }, [0])).toBeNull();
  });

  it("draws a sparkline at most 60 columns wide, each column the peak of its seconds, zero blank", () => {
    expect(sparkline([0, 1, 2, 4, 0])).toEqual({ line: " ▂▄█ ", secondsPerColumn: 1 });
    const long = sparkline(Array.from({ length: 600 }, (_, i) => (i === 599 ? 3 : 0)));
    expect(long.secondsPerColumn).toBe(10);
    expect(long.line).toBe(`${" ".repeat(59)}█`);
  });
});

describe("replayFunction", () => {
  const graph = synth(fixtureApp);
  const api = graph.nodes.find((n) => n.id === "rp/api");
  const rows = readTraceFile(join(root, csv)).rows.map((r) => (r.fn === null ? r : { ...r, fn: `rp/${r.fn}` }));
  const run = (backend: "zeroscale" | "cloudrun" | "lambda") => replayFunction(graph, api as never, traceFor(rows, "rp/api"), { backend, fixedSize: 1 }, pricesOf({}));

  it("says where the platform's bill is not its instance-seconds", () => {
    expect(run("zeroscale").text.some((l) => l.startsWith("  note:"))).toBe(false);
    expect(run("cloudrun").text).toContain(`  note: ${BILLING_NOTES.cloudrun}`);
    expect(run("lambda").text).toContain(`  note: ${BILLING_NOTES.lambda}`);
  });

  it("prices the instance-seconds of the replayed timeline", () => {
    const r = run("zeroscale");
    const desired = r.result.timeline.map((p) => p.instances);
    expect(r.cost.actual.instanceSeconds).toBe(desired.reduce((a, b) => a + b, 0));
    expect(r.cost.actual.vcpuSeconds).toBe(r.cost.actual.instanceSeconds * 1); // cpu "1"
    expect(r.cost.actual.gibSeconds).toBe(r.cost.actual.instanceSeconds * 0.5); // memory "512Mi"
    expect(r.cost.elapsedSeconds).toBe(desired.length);
  });
});
