// The instance state machine (runtime/gateway/instance.ts): every transition is pure and explicit.
import { describe, expect, it } from "vitest";
import { describeExit, type InstanceInput, type InstanceState, transition } from "../runtime/gateway/instance.js";

const idle = { inflight: 0 };
const types = (t: ReturnType<typeof transition>) => t.effects.map((e) => e.type);

describe("instance state machine", () => {
  it("starting -> ready emits ready and dispatches the buffer", () => {
    const t = transition("starting", { type: "ready" }, idle);
    expect(t.state).toBe("ready");
    expect(t.effects).toEqual([{ type: "emit", state: "ready" }, { type: "dispatch" }]);
  });

  it("an exit before ready is a failed start (the pool backs off), with the cause", () => {
    const t = transition("starting", { type: "exited", cause: "code 1: boom" }, idle);
    expect(t.state).toBe("failed");
    expect(t.effects).toContainEqual({ type: "start-failed", cause: "exited before ready (code 1: boom)" });
    expect(types(t)).toEqual(["remove", "start-failed", "emit", "cleanup"]);
  });

  it("never ready is a failed start that stops the instance", () => {
    const t = transition("starting", { type: "not-ready", cause: "not ready within 60000 ms" }, idle);
    expect(t.state).toBe("failed");
    expect(types(t)).toEqual(["remove", "start-failed", "emit", "stop"]);
  });

  it("drains a ready instance: quiesces the data plane now when idle, else once its last request ends; stops once quiesced", () => {
    expect(types(transition("ready", { type: "drain", reason: "scaled down" }, idle))).toEqual(["emit", "quiesce"]);
    const busy = transition("ready", { type: "drain", reason: "scaled down" }, { inflight: 2 });
    expect(busy.state).toBe("draining");
    expect(types(busy)).toEqual(["emit"]);
    expect(transition("draining", { type: "idle" }, idle)).toEqual({ state: "draining", effects: [{ type: "quiesce" }] });
    // The data plane's own requests (HAProxy's direct traffic) are done: only now is it stopped.
    expect(transition("draining", { type: "quiesced" }, idle)).toEqual({ state: "draining", effects: [{ type: "stop" }] });
    // An exit while draining may be its own (a reset request's instance, not yet stopped): what is left is removed.
    expect(transition("draining", { type: "exited", cause: "code 0" }, { inflight: 0, drainReason: "scaled down" })).toEqual({
      state: "stopped",
      effects: [{ type: "remove" }, { type: "emit", state: "stopped", reason: "scaled down" }, { type: "cleanup" }],
    });
    expect(transition("draining", { type: "stopped" }, { inflight: 0, drainReason: "scaled down" })).toEqual({
      state: "stopped",
      effects: [{ type: "remove" }, { type: "emit", state: "stopped", reason: "scaled down" }],
    });
  });

  it("a ready instance that exits by itself is stopped unexpectedly (not a failed start)", () => {
    const t = transition("ready", { type: "exited", cause: "signal SIGKILL" }, { inflight: 1 });
    expect(t.state).toBe("stopped");
    expect(t.effects).toContainEqual({ type: "emit", state: "stopped", reason: "exited unexpectedly: signal SIGKILL" });
    expect(types(t)).not.toContain("start-failed");
  });

  it("a ready instance that exits soon after readiness (within resetAfterMs) is a failed start, with the cause", () => {
    const t = transition("ready", { type: "exited", cause: "code 1: late boom" }, { inflight: 0, readyForMs: 48 });
    expect(t.state).toBe("failed");
    expect(t.effects).toContainEqual({ type: "start-failed", cause: "exited 48 ms after becoming ready (code 1: late boom)", afterReady: true });
    expect(types(t)).toEqual(["remove", "start-failed", "emit", "cleanup", "dispatch"]);
  });

  it("terminal states stay put; a late exit or stop only makes sure it is forgotten", () => {
    const inputs: InstanceInput[] = [{ type: "ready" }, { type: "drain", reason: "x" }, { type: "idle" }, { type: "not-ready", cause: "x" }, { type: "quiesced" }];
    for (const s of ["stopped", "failed"] as InstanceState[]) {
      for (const i of inputs) expect(transition(s, i, idle)).toEqual({ state: s, effects: [] });
      expect(transition(s, { type: "exited", cause: "x" }, idle)).toEqual({ state: s, effects: [{ type: "remove" }] });
      expect(transition(s, { type: "stopped" }, idle)).toEqual({ state: s, effects: [{ type: "remove" }] });
    }
  });

  it("quiesced means nothing outside draining; a starting instance drained is stopped at once (no data plane had it)", () => {
    for (const s of ["starting", "ready", "stopped", "failed"] as InstanceState[]) expect(transition(s, { type: "quiesced" }, idle), s).toEqual({ state: s, effects: [] });
    expect(types(transition("starting", { type: "drain", reason: "scaled down before ready" }, idle))).toEqual(["emit", "stop"]);
  });

  it("a draining instance never becomes ready again", () => {
    expect(transition("draining", { type: "ready" }, idle)).toEqual({ state: "draining", effects: [] });
  });

  it("describes exits", () => {
    expect(describeExit({ code: 1, signal: null, stderr: "boom" })).toBe("code 1: boom");
    expect(describeExit({ code: null, signal: "SIGKILL" })).toBe("signal SIGKILL");
    expect(describeExit(undefined)).toBe("exited");
  });
});
