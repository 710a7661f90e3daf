import type { ColdStartBehaviour, EffectiveScaling } from "../../lib/engines/types.js";
import { ZEROSCALE_DEFAULTS } from "../../lib/engines/zeroscale/defaults.js";
import type { FunctionNode } from "../../lib/index.js";
import type { DataPlaneFunction, DataPlaneRequest } from "./data-plane.js";
import type { GatewayMetrics } from "./observability.js";
import type { LiveStats } from "./stats.js";

/** What a data plane that faces clients needs of one function. */
export interface PlaneFunctionSource {
  readonly node: FunctionNode;
  readonly effective: EffectiveScaling;
  readonly coldStart: ColdStartBehaviour;
}

/**
 * The functions as a data plane that faces clients sets them up: its queue is the cold-start buffer
 * (the default one in reject mode, as the pool's for busy instances), its timeout the function's; a
 * slot per possible instance, twice over (draining instances still hold theirs while new ones start),
 * at most 100.
 */
export function planeFunctions(fns: Iterable<PlaneFunctionSource>): DataPlaneFunction[] {
  return [...fns].map((f) => {
    const buffer = f.coldStart.mode === "buffer" ? f.coldStart : ZEROSCALE_DEFAULTS.coldStart;
    return {
      id: f.node.id,
      concurrency: f.node.concurrency,
      slots: Math.min(100, Math.max(1, 2 * f.effective.maxInstances)),
      queueTimeoutMs: buffer.maxWaitSeconds * 1000,
      queueLimit: buffer.maxRequests ?? Number.POSITIVE_INFINITY,
      timeoutMs: f.node.timeoutSeconds * 1000,
    };
  });
}

/**
 * One request the data plane answered (its request log): the same metrics and live stats as the
 * gateway's own path. What went to the activator was recorded there; what the data plane answered
 * before routing names no function (the Node path counts none either).
 */
export function recordPlaneRequest(r: DataPlaneRequest, to: { readonly metrics: GatewayMetrics; readonly live: LiveStats; known(fn: string): boolean }, now: () => number = Date.now): void {
  if (r.viaActivator || r.fn === undefined || !to.known(r.fn)) return;
  to.metrics.requestsFor(r.fn, r.status).inc();
  to.metrics.latencyFor(r.fn).observe(r.ms / 1000);
  to.live.request({ at: now(), fn: r.fn, method: r.method, path: r.path, status: r.status, ms: r.ms, coldStart: false });
}

/** A data plane that could not bind the route port fails like a Node server would (code EADDRINUSE / EACCES, `port`), its own words kept. */
export function bindError(e: unknown, port: number): unknown {
  const message = (e as Error)?.message ?? String(e);
  const code = /Address already in use/.test(message) ? "EADDRINUSE" : /cannot bind socket \(Permission denied\)/.test(message) ? "EACCES" : undefined;
  return code ? Object.assign(new Error(message), { code, port }) : e;
}
