// The terminal view of `zeroscale dev` (cli/live-view.ts), rendered to a fake terminal of a given
// width: colour only when allowed (NO_COLOR, FORCE_COLOR), no line wider than the terminal, redrawn
// in place (no clear-screen), scale events kept while countdowns collapse into the status line,
// errors and crash causes on screen, the live numbers from a real LiveStats.
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { clockTime, frameHeight, LiveView, type LiveViewOptions, parseFunctionLine, SCALE_EVENTS_KEPT, summarizeLine, type ViewStream } from "../cli/live-view.js";
import type { ScaleDecision } from "../lib/engines/types.js";
import type { FunctionStatus } from "../runtime/gateway/gateway.js";
import { LiveStats } from "../runtime/gateway/stats.js";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

class FakeTerminal implements ViewStream {
  readonly writes: string[] = [];
  constructor(
    public columns: number,
    public rows = 40,
    readonly isTTY = true,
  ) {}
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
  get output(): string {
    return this.writes.join("");
  }
}

/** A function's status as the gateway reports it (the view reads no more than these fields). */
function fn(id: string, over: Partial<FunctionStatus> = {}): FunctionStatus {
  return {
    id,
    name: id.split("/").at(-1) ?? id,
    state: "ready",
    instances: { ready: 1, starting: 0, draining: 0 },
    inflight: 0,
    buffered: 0,
    desired: 1,
    last: null,
    effective: {} as FunctionStatus["effective"],
    coldStart: { mode: "reject" } as FunctionStatus["coldStart"],
    cpuPercent: null,
    memoryPercent: null,
    error: null,
    ...over,
  };
}

function decision(fnId: string, desired: number, reason: string): ScaleDecision {
  return { at: 0, function: fnId, desired, ready: desired, observed: 0, panicking: false, reason };
}

function view(term: FakeTerminal, over: Partial<LiveViewOptions> = {}, clock = { now: T0 }) {
  return new LiveView(["zeroscale dev: shop on processes", "  logs: /tmp/zeroscale-dev-shop-1.log"], { tty: true, stream: term, env: {}, clock: () => clock.now, footer: "console http://127.0.0.1:4000/  logs /tmp/zeroscale-dev-shop-1.log", ...over });
}

const SGR = /\x1b\[[0-9;]*m/; // a colour/style escape

describe("LiveView colour", () => {
  it("colours on a terminal, none with NO_COLOR, FORCE_COLOR forces it, --no-color wins", () => {
    const status = [fn("shop/api", { state: "crash-looping", error: "crash-looping: exited with code 1" })];
    const coloured = view(new FakeTerminal(100));
    expect(coloured.frame(status).join("\n")).toMatch(SGR);

    const noColor = new FakeTerminal(100);
    const plain = view(noColor, { env: { NO_COLOR: "1" } });
    expect(plain.frame(status).join("\n")).not.toContain("\x1b");
    plain.render(status);
    plain.render(status);
    expect(noColor.output).not.toMatch(SGR); // only cursor movement, no colour

    const forced = view(new FakeTerminal(100, 40, false), { env: { FORCE_COLOR: "1" } });
    expect(forced.frame(status).join("\n")).toMatch(SGR);
    const flag = view(new FakeTerminal(100), { env: { FORCE_COLOR: "1" }, color: false });
    expect(flag.frame(status).join("\n")).not.toContain("\x1b");
  });
});

describe("LiveView width", () => {
  it.each([30, 50, 80, 132])("no line wider than a %i-column terminal, header included", (width) => {
    const term = new FakeTerminal(width);
    const v = view(term);
    const long = "shop/a-function-with-a-very-long-construct-path/handler";
    const status = [fn(long, { last: decision(long, 3, "concurrency 41.5 over 60s / target 10.00 per instance; capped at max 3; the rest of a long reason") }), fn("shop/worker", { state: "crash-looping", error: "crash-looping: exited with code 1 after 120ms (3 failures); next start in 8s" })];
    v.decision(decision(long, 3, "burst of requests with a long explanation that goes on and on"));
    v.request({ at: T0, fn: long, method: "POST", path: "/a/very/long/path/that/does/not/fit/anywhere/at/all", status: 503, ms: 30012, coldStart: true });
    v.render(status);
    v.render(status);
    const lines = term.output.split("\n").map((l) => stripVTControlCharacters(l));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
    for (const line of v.frame(status)) expect(stripVTControlCharacters(line).length).toBeLessThanOrEqual(width);
  });
});

describe("LiveView redraw", () => {
  it("redraws in place: no clear-screen, a constant height, and an unchanged frame writes nothing", () => {
    const term = new FakeTerminal(100, 40);
    const v = view(term);
    v.render([fn("shop/api")]);
    const first = term.writes.length;
    v.render([fn("shop/api")]);
    expect(term.writes.length).toBe(first); // nothing changed: nothing written
    v.decision(decision("shop/api", 6, "burst"));
    v.request({ at: T0, fn: "shop/api", method: "GET", path: "/boom", status: 500, ms: 12, coldStart: false });
    v.render([fn("shop/api", { instances: { ready: 1, starting: 5, draining: 0 }, desired: 6 })]);
    expect(term.output).not.toContain("\x1b[2J"); // the old view cleared the screen every 500 ms
    expect(term.output).not.toContain("\x1b[H");
    const height = frameHeight(1, 40);
    expect(v.frame([fn("shop/api")])).toHaveLength(height);
    expect(view(new FakeTerminal(100, 40)).frame([fn("shop/api")])).toHaveLength(height); // with no events or problems too
  });

  it("prints the header once, the frame below it, and a closing message under the frame", () => {
    const term = new FakeTerminal(100);
    const v = view(term);
    v.render([fn("shop/api")]);
    v.render([fn("shop/api", { inflight: 3 })]);
    v.say("stopped.");
    const out = stripVTControlCharacters(term.output);
    expect(out.match(/zeroscale dev: shop on processes/g)).toHaveLength(1);
    expect(out.indexOf("zeroscale dev: shop")).toBeLessThan(out.indexOf("function"));
    expect(out.trimEnd().endsWith("stopped.")).toBe(true);
    expect(out).toContain("console http://127.0.0.1:4000/");
  });
});

describe("LiveView scale events", () => {
  it("keeps each change of the desired count; the per-second countdowns only update the status line", () => {
    const clock = { now: T0 };
    const v = view(new FakeTerminal(120), { env: { NO_COLOR: "1" } }, clock);
    v.render([fn("shop/api", { state: "at-zero", instances: { ready: 0, starting: 0, draining: 0 }, desired: 0 })]);
    const step = (desired: number, reason: string) => {
      clock.now += 1000;
      v.decision(decision("shop/api", desired, reason));
    };
    step(6, "burst");
    for (let s = 1; s <= 5; s++) step(6, `stable: concurrency ${s}.0`);
    step(1, "scaled down: concurrency 0.4");
    for (let s = 1; s <= 12; s++) step(1, `idle ${s}s of 30s: to zero in ${30 - s}s`);
    step(0, "idle 30s of 30s: to zero");
    const last = decision("shop/api", 1, "idle 12s of 30s: to zero in 18s");
    const frame = v.frame([fn("shop/api", { last })]).join("\n");
    const events = frame.split("\n").filter((l) => /^\s+\d\d:\d\d:\d\d shop\/api/.test(l));
    expect(events.map((l) => l.trim())).toEqual([`${clockTime(T0 + 1000)} shop/api 0 -> 6 (burst)`, `${clockTime(T0 + 7000)} shop/api 6 -> 1 (scaled down: concurrency 0.4)`, `${clockTime(T0 + 20_000)} shop/api 1 -> 0 (idle 30s of 30s: to zero)`]);
    expect(frame).not.toContain("to zero in 29s"); // the countdown ticks never entered the list
    expect(frame.match(/to zero in \d+s/g)).toEqual(["to zero in 18s"]); // one status line for the function
  });

  it(`keeps the last ${SCALE_EVENTS_KEPT} changes`, () => {
    const v = view(new FakeTerminal(120), { env: { NO_COLOR: "1" } });
    v.render([fn("shop/api")]);
    for (let i = 2; i <= 16; i++) v.decision(decision("shop/api", i, `step ${i}`));
    const events = v.frame([fn("shop/api")]).filter((l) => l.includes(" -> "));
    expect(events).toHaveLength(SCALE_EVENTS_KEPT);
    expect(events[0]).toContain("6 -> 7 (step 7)");
    expect(events.at(-1)).toContain("15 -> 16 (step 16)");
  });

  it("drops the oldest events first on a short terminal, keeping the table", () => {
    const v = view(new FakeTerminal(120, 14), { env: { NO_COLOR: "1" } });
    v.render([fn("shop/api"), fn("shop/cart")]);
    for (let i = 2; i <= 9; i++) v.decision(decision("shop/api", i, `step ${i}`));
    const frame = v.frame([fn("shop/api"), fn("shop/cart")]);
    expect(frame).toHaveLength(13);
    expect(frame.join("\n")).toContain("shop/cart");
    expect(frame.join("\n")).toContain("8 -> 9 (step 9)");
    expect(frame.join("\n")).not.toContain("1 -> 2 (step 2)");
  });
});

describe("LiveView errors and live numbers", () => {
  it("shows a crash-looping function's cause in its row, and the last 5xx, error log line and instance failure as problems", () => {
    const live = new LiveStats(() => T0);
    const v = view(new FakeTerminal(160), { env: { NO_COLOR: "1" } });
    live.on("request", (r) => v.request(r));
    live.request({ at: T0, fn: "shop/api", method: "GET", path: "/ok", status: 200, ms: 8, coldStart: false });
    live.request({ at: T0, fn: "shop/api", method: "GET", path: "/boom", status: 500, ms: 12, coldStart: false });
    live.request({ at: T0, fn: "shop/api", method: "GET", path: "/wait", status: 503, ms: 30_000, coldStart: true });
    v.log({ at: T0, fn: "shop/api", stream: "stderr", level: "error", line: JSON.stringify({ level: "error", msg: "handler failed", error: "Error: boom\n    at handler (index.js:3:9)" }) });
    v.log({ at: T0, fn: "shop/api", stream: "stderr", level: "warn", line: "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)" }); // a stack frame is not the cause
    v.instance({ type: "instance", fn: "shop/worker", id: "shop-worker-p3", state: "failed", reason: "exited with code 1 before ready" });
    const status = [fn("shop/api"), fn("shop/worker", { state: "crash-looping", error: "crash-looping: exited with code 1 (3 failures); next start in 8s", instances: { ready: 0, starting: 0, draining: 0 } })];
    const frame = v.frame(status, live.snapshot());
    const text = frame.join("\n");
    const workerRow = frame.findIndex((l) => l.startsWith("  shop/worker"));
    expect(frame[workerRow + 1]?.trim()).toBe("crash-looping: exited with code 1 (3 failures); next start in 8s");
    expect(text).toContain("shop/api GET /wait -> 503 in 30.0s; 500 x1, 503 x1 since start");
    expect(text).toContain("shop/api stderr: handler failed: Error: boom");
    expect(text).toContain("shop/worker instance shop-worker-p3 failed: exited with code 1 before ready");
    expect(text).not.toContain("processTicksAndRejections");
    const apiRow = frame.find((l) => l.startsWith("  shop/api"))?.split(/\s+/).filter(Boolean);
    // function, ready/start/drain, in-flight, buffered, requests, req/s, errors, p99, cold starts
    expect(apiRow).toEqual(["shop/api", "1/0/0", "0", "0", "3", "0.3", "2", "30.0s", "0"]);
  });

  it("shows cold starts with the last one's duration and p99 from the live stats", () => {
    const live = new LiveStats(() => T0);
    for (let i = 1; i <= 100; i++) live.request({ at: T0, fn: "shop/api", method: "GET", path: "/", status: 200, ms: i, coldStart: false });
    live.coldStart("shop/api", 812);
    const v = view(new FakeTerminal(160), { env: { NO_COLOR: "1" } });
    const row = v.frame([fn("shop/api")], live.snapshot()).find((l) => l.startsWith("  shop/api"));
    expect(row?.split(/\s{2,}/).filter(Boolean)).toEqual(["shop/api", "1/0/0", "0", "0", "100", "10", "0", "99ms", "1 (812ms)"]);
  });
});

describe("LiveView without a terminal", () => {
  it("prints the header once and one line per decision, without colour or cursor movement (as before)", () => {
    const term = new FakeTerminal(40, 10, false);
    const v = view(term, { tty: false, env: { FORCE_COLOR: "1" } });
    v.render([fn("shop/api")]);
    v.decision(decision("shop/api", 6, "burst"));
    v.decision({ ...decision("shop/api", 6, "panic"), panicking: true });
    v.render([fn("shop/api")]);
    v.say("stopped.");
    expect(term.output).toBe(`zeroscale dev: shop on processes\n  logs: /tmp/zeroscale-dev-shop-1.log\n${clockTime(T0)} shop/api -> 6 (burst)\n${clockTime(T0)} shop/api -> 6 (panic, panicking)\nstopped.\n`);
  });
});

describe("function log lines", () => {
  it("reads a JSON log line's level and message (pino numbers or names), else keeps the line", () => {
    expect(parseFunctionLine('{"level":50,"time":1,"pid":2,"hostname":"h","msg":"db down","table":"orders"}')).toEqual({ level: "error", msg: "db down", data: { table: "orders" } });
    expect(parseFunctionLine('{"level":"WARNING","message":"slow"}')).toEqual({ level: "warn", msg: "slow" });
    expect(parseFunctionLine("Error: boom")).toEqual({ level: undefined, msg: "Error: boom" });
    expect(parseFunctionLine("{not json")).toEqual({ level: undefined, msg: "{not json" });
    expect(summarizeLine('{"level":"error","msg":"handler failed","error":"Error: boom\\n    at x"}')).toBe("handler failed: Error: boom");
    expect(summarizeLine("  plain line  ")).toBe("plain line");
  });
});
