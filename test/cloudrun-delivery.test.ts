// cloudRun(): a schedule's delivery as Cloud Scheduler runs it (lib/engines/cloudrun/delivery.ts):
// retryConfig mapped from zeroscale's backoff formulas (exact where Cloud Scheduler can express it,
// one ZS-CLOUDRUN-DELIVERY warning with the effective values where not), the job in the plan and in
// Pulumi, and the request Cloud Scheduler sends: a valid binary CloudEvent once the parser has
// named the run from Cloud Scheduler's own headers.
import { CloudEvent } from "cloudevents";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { App, type DeliveryProps, ServerlessFunction, synth } from "zeroscale";
import { cloudRun } from "zeroscale/providers/cloudrun";
import { CLOUD_SCHEDULER, cloudrunDelivery, cloudSchedulerRetry, cloudSchedulerWaits } from "../lib/engines/cloudrun/delivery.js";
import { backoffDelayMs } from "../lib/events/delivery.js";
import { effectiveDelivery } from "../lib/events/models.js";
import { parseEvent } from "../lib/events/parse.js";
import type { DeliveryData, TriggerNode } from "../lib/graph/types.js";

const AR = "europe-west1-docker.pkg.dev/p/r/job:1.0.0";

function app(delivery?: DeliveryProps, data: unknown = { task: "report" }): App {
  const a = new App({ name: "shop" });
  const job = new ServerlessFunction(a, "job", { image: AR, cpu: "1", timeout: "60s" });
  job.addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "Europe/Berlin", data: data as never }, ...(delivery ? { delivery } : {}) });
  return a;
}
const trigger = (a: App) => synth(a).nodes.find((n) => n.id === "shop/job/nightly") as TriggerNode & { delivery: DeliveryData };
const compile = (a: App) => cloudRun({ project: "p", region: "europe-west1" }).compile(synth(a));

describe("Cloud Scheduler's retryConfig from zeroscale's backoff", () => {
  it("property: exponential waits delay x 2^n for 1..5 retries, linear delay x n for 1..3 retries, exactly", () => {
    fc.assert(
      fc.property(fc.constantFrom("exponential" as const, "linear" as const), fc.integer({ min: 10, max: 3_600_000 }), fc.integer({ min: 0, max: 5 }), (policy, delayMs, retries) => {
        const d: DeliveryData = { retries, backoff: { policy, delayMs }, deadLetter: null, timeoutSeconds: 60 };
        const waits = cloudSchedulerWaits(cloudSchedulerRetry(d));
        const wanted = Array.from({ length: retries }, (_, i) => backoffDelayMs(policy, delayMs, i + 1));
        if (policy === "exponential" || retries <= 3) expect(waits).toEqual(wanted);
        else expect(waits).not.toEqual(wanted);
      }),
    );
  });

  it("follows Cloud Scheduler's documented example (min 10s, max 300s, 3 doublings: 10, 20, 40, 80, 160, 240, 300 s)", () => {
    expect(cloudSchedulerWaits({ retryCount: 8, minBackoffMs: 10_000, maxBackoffMs: 300_000, maxDoublings: 3, attemptDeadlineSeconds: 60 })).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 240_000, 300_000, 300_000]);
  });

  it("the default delivery (3 retries, exponential from 1s) is Cloud Scheduler's exactly: no warning", () => {
    const t = trigger(app());
    const { delivery, diagnostics } = effectiveDelivery("cloudrun", t);
    expect(diagnostics).toEqual([]);
    expect(delivery).toEqual({ mode: "push", retries: 3, backoff: { policy: "exponential", delayMs: 1000 }, deadLetter: null, timeoutSeconds: 60 });
    expect(cloudSchedulerRetry(t.delivery)).toEqual({ retryCount: 3, minBackoffMs: 2000, maxBackoffMs: 8000, maxDoublings: 5, attemptDeadlineSeconds: 60 });
  });
});

describe("the cloudrun delivery model: one ZS-CLOUDRUN-DELIVERY per trigger, with the effective values", () => {
  const warned = (delivery: DeliveryProps) => cloudrunDelivery(trigger(app(delivery)), {});

  it("more than 5 retries: 5", () => {
    const { delivery, diagnostics } = warned({ retries: 8 });
    expect(delivery.retries).toBe(5);
    expect(diagnostics.map((d) => [d.code, d.path, d.prop])).toEqual([["ZS-CLOUDRUN-DELIVERY", "shop/job/nightly", "delivery"]]);
    expect(diagnostics[0]?.problem).toContain("8 retries (Cloud Scheduler's retryCount is at most 5)");
    expect(diagnostics[0]?.problem).toContain("effective: 5 retries, exponential backoff from 1s, no dead letter, 60s per attempt");
  });

  it("linear backoff beyond 3 retries: Cloud Scheduler's own waits, named", () => {
    const { delivery, diagnostics } = warned({ retries: 5, backoff: { policy: "linear", delay: "2s" } });
    expect(delivery.backoff).toBeNull();
    expect(delivery.note).toBe("Cloud Scheduler waits 2s, 4s, 8s, 10s, 10s");
    expect(diagnostics).toHaveLength(1);
    expect(warned({ retries: 3, backoff: { policy: "linear", delay: "2s" } }).diagnostics).toEqual([]);
  });

  it("a dead letter: none (Cloud Scheduler has no dead-letter destination), in the same one warning", () => {
    const t = synth(appWithDeadLetter()).nodes.find((n) => n.id === "shop/job/nightly") as TriggerNode & { delivery: DeliveryData };
    const { delivery, diagnostics } = cloudrunDelivery(t, {});
    expect(delivery.deadLetter).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.problem).toContain("a dead letter (Cloud Scheduler has none");
    expect(diagnostics[0]?.problem).toContain("8 retries");
  });

  it("a per-attempt timeout below 15 s: Cloud Scheduler's attemptDeadline minimum", () => {
    const { delivery, diagnostics } = warned({ timeout: "5s" });
    expect(delivery.timeoutSeconds).toBe(CLOUD_SCHEDULER.minDeadlineSeconds);
    expect(diagnostics[0]?.problem).toContain("5s per attempt");
  });
});

function appWithDeadLetter(): App {
  const a = new App({ name: "shop" });
  const failed = new ServerlessFunction(a, "failed", { image: AR, cpu: "1" });
  const job = new ServerlessFunction(a, "job", { image: AR, cpu: "1", timeout: "60s" });
  job.addTrigger("nightly", { schedule: { cron: "0 3 * * *" }, delivery: { retries: 8, deadLetter: failed } });
  return a;
}

describe("cloudRun(): the Cloud Scheduler job", () => {
  it("carries the mapped retryConfig, the attemptDeadline and the CloudEvent headers (ce-source /zeroscale/<trigger>)", () => {
    const plan = compile(app());
    const job = plan.services.find((s) => s.id === "shop/job")!.schedules[0]!;
    expect(job).toMatchObject({
      attemptDeadlineSeconds: 60,
      retry: { retryCount: 3, minBackoffDuration: "2s", maxBackoffDuration: "8s", maxDoublings: 5 },
      headers: { "Content-Type": "application/json", "ce-source": "/zeroscale/shop/job/nightly", "ce-specversion": "1.0", "ce-type": "dev.zeroscale.schedule" },
      body: '{"task":"report"}',
    });
    expect(plan.warnings.filter((w) => w.code === "ZS-CLOUDRUN-DELIVERY")).toEqual([]);
    expect(compile(app({ backoff: { delay: "250ms" } })).services.find((s) => s.id === "shop/job")!.schedules[0]!.retry).toEqual({ retryCount: 3, minBackoffDuration: "0.5s", maxBackoffDuration: "2s", maxDoublings: 5 });
  });

  it("adds the model's warning to the plan", () => {
    const warnings = cloudRun({ project: "p" }).compile(synth(appWithDeadLetter())).warnings.filter((w) => w.code === "ZS-CLOUDRUN-DELIVERY");
    expect(warnings.map((w) => [w.code, w.path])).toEqual([["ZS-CLOUDRUN-DELIVERY", "shop/job/nightly"]]);
  });

  it("what the function receives: Cloud Scheduler's request (the job's headers + X-CloudScheduler-*) is one valid CloudEvent, named by job and scheduled time", async () => {
    const plan = compile(app());
    const job = plan.services.find((s) => s.id === "shop/job")!.schedules[0]!;
    const send = (scheduleTime: string) =>
      new Request("https://shop-job.a.run.app/", {
        method: "POST",
        headers: { ...job.headers, "User-Agent": "Google-Cloud-Scheduler", "X-CloudScheduler": "true", "X-CloudScheduler-JobName": job.name, "X-CloudScheduler-ScheduleTime": scheduleTime },
        body: job.body,
      });
    const event = await parseEvent(send("2026-12-02T02:00:00Z"));
    expect(event).toMatchObject({ kind: "schedule", type: "dev.zeroscale.schedule", source: "/zeroscale/shop/job/nightly", id: `${job.name}@2026-12-02T02:00:00Z`, time: "2026-12-02T02:00:00Z", data: { task: "report" } });
    // A retry of the same run carries the same X-CloudScheduler-ScheduleTime: the same id.
    expect((await parseEvent(send("2026-12-02T02:00:00Z"))).id).toBe(event.id);
    expect(new CloudEvent({ specversion: "1.0", id: event.id, source: event.source, type: event.type, time: event.time as string, datacontenttype: job.headers["Content-Type"] as string, data: event.data }, true).validate()).toBe(true);
  });
});
