import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The gateway's Prometheus metrics, in a registry of its own (no global state). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: "zeroscale_requests_total", help: "Requests by function and status code", labelNames: ["function", "code"], registers: [this.registry] });
  readonly latency = new Histogram({
    name: "zeroscale_request_duration_seconds",
    help: "Request latency through the gateway, by function",
    labelNames: ["function"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly coldStarts = new Counter({ name: "zeroscale_cold_starts_total", help: "Instances started, by function", labelNames: ["function"], registers: [this.registry] });
  readonly coldStartSeconds = new Histogram({
    name: "zeroscale_cold_start_seconds",
    help: "Time from starting an instance to passing readiness",
    labelNames: ["function"],
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly instances = new Gauge({ name: "zeroscale_instances", help: "Instances by function and state", labelNames: ["function", "state"], registers: [this.registry] });
  readonly buffered = new Gauge({ name: "zeroscale_buffered_requests", help: "Requests waiting for an instance", labelNames: ["function"], registers: [this.registry] });
  readonly inflight = new Gauge({ name: "zeroscale_inflight_requests", help: "Requests being served", labelNames: ["function"], registers: [this.registry] });
  readonly desired = new Gauge({ name: "zeroscale_desired_instances", help: "The autoscaler's latest decision", labelNames: ["function"], registers: [this.registry] });
  readonly usage = new Gauge({ name: "zeroscale_instance_usage_percent", help: "Measured average use of the ready instances, percent of the function's request (cpu/memory policies)", labelNames: ["function", "resource"], registers: [this.registry] });
  private readonly requestChildren = new Map<string, ReturnType<Counter["labels"]>>();
  private readonly latencyChildren = new Map<string, ReturnType<Histogram["labels"]>>();

  /** The request counter for a function and status (label children cached: this is the hot path). */
  requestsFor(fn: string, code: number): ReturnType<Counter["labels"]> {
    const key = `${fn}\u0000${code}`;
    let child = this.requestChildren.get(key);
    if (!child) this.requestChildren.set(key, (child = this.requests.labels(fn, String(code))));
    return child;
  }

  /** The latency histogram of a function (cached child). */
  latencyFor(fn: string): ReturnType<Histogram["labels"]> {
    let child = this.latencyChildren.get(fn);
    if (!child) this.latencyChildren.set(fn, (child = this.latency.labels(fn)));
    return child;
  }

  readonly deliveries = new Counter({ name: "zeroscale_event_deliveries_total", help: "Schedule and queue deliveries by trigger and outcome: per attempt ok / failed / no-instance; per event retried (an attempt after the first), dead-lettered, dropped (no dead letter)", labelNames: ["trigger", "outcome"], registers: [this.registry] });
}
