import { formatDurationMillis } from "../../duration.js";
import { describeDelivery, type DeliveryModel, type EffectiveDelivery, honoured } from "../../events/delivery.js";
import type { DeliveryData } from "../../graph/types.js";
import { Diagnostics } from "../../validation/diagnostic.js";
import { assertNever } from "../../vocabulary.js";

/**
 * Cloud Scheduler's retry and deadline limits (Cloud Scheduler REST reference, projects.locations.jobs,
 * RetryConfig and Job.attemptDeadline, https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs;
 * https://cloud.google.com/scheduler/docs/configuring/retry-jobs):
 * - retryCount 0..5 ("values greater than 5 and negative values are not allowed"), default 0;
 * - a retry interval "starts at minBackoffDuration, then doubles maxDoublings times, then increases
 *   linearly [by 2^maxDoublings x minBackoffDuration], and finally retries at intervals of
 *   maxBackoffDuration up to retryCount times" (min 10s, max 300s, 3 doublings: 10, 20, 40, 80, 160, 240, 300 s);
 *   defaults min 5s, max 1h, maxDoublings 5;
 * - attemptDeadline for HTTP targets 15 s..30 min, default 3 min: past it the attempt is cancelled
 *   and counts as failed;
 * - no dead-letter destination of any kind.
 */
export const CLOUD_SCHEDULER = { maxRetries: 5, minDeadlineSeconds: 15, maxDeadlineSeconds: 1800, defaultMaxDoublings: 5 } as const;

/** A Cloud Scheduler job's retryConfig (durations in ms) and attemptDeadline (s). */
export interface CloudSchedulerRetry {
  readonly retryCount: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxDoublings: number;
  readonly attemptDeadlineSeconds: number;
}

/**
 * The retryConfig closest to a declared delivery. zeroscale's retry n waits delay x 2^n
 * (exponential) or delay x n (linear); Cloud Scheduler's waits min, 2 min, 4 min, ... for
 * maxDoublings doublings, then grow by 2^maxDoublings x min, capped at max. So:
 * - exponential: min = 2 x delay, maxDoublings 5, max = delay x 2^retries: exact for 1..5 retries;
 * - linear: min = delay, maxDoublings 1, max = delay x retries: waits delay, 2 delay, then 4 delay
 *   capped at 3 delay (exact up to 3 retries; 4 and 5 retries wait d, 2d, 4d, 4d(, 5d)). maxDoublings 0
 *   would be linear, but 0 is also "unset" (the server's default, 5), so it is not relied on.
 */
export function cloudSchedulerRetry(d: DeliveryData): CloudSchedulerRetry {
  const retryCount = Math.min(d.retries, CLOUD_SCHEDULER.maxRetries);
  const delay = d.backoff.delayMs;
  const n = Math.max(retryCount, 1);
  const attemptDeadlineSeconds = Math.min(CLOUD_SCHEDULER.maxDeadlineSeconds, Math.max(CLOUD_SCHEDULER.minDeadlineSeconds, d.timeoutSeconds));
  switch (d.backoff.policy) {
    case "exponential":
      return { retryCount, minBackoffMs: 2 * delay, maxBackoffMs: delay * 2 ** n, maxDoublings: CLOUD_SCHEDULER.defaultMaxDoublings, attemptDeadlineSeconds };
    case "linear":
      return { retryCount, minBackoffMs: delay, maxBackoffMs: delay * n, maxDoublings: 1, attemptDeadlineSeconds };
    default:
      return assertNever(d.backoff.policy, "backoff policy");
  }
}

/** The waits (ms) Cloud Scheduler makes before each retry with this retryConfig. */
export function cloudSchedulerWaits(r: CloudSchedulerRetry): number[] {
  const waits: number[] = [];
  let wait = r.minBackoffMs;
  for (let i = 1; i <= r.retryCount; i++) {
    waits.push(Math.min(wait, r.maxBackoffMs));
    wait = i <= r.maxDoublings ? wait * 2 : wait + 2 ** r.maxDoublings * r.minBackoffMs;
  }
  return waits;
}

/**
 * Cloud Run: schedules are Cloud Scheduler jobs (its retryConfig and attemptDeadline, mapped by
 * {@link cloudSchedulerRetry}); one ZS-CLOUDRUN-DELIVERY warning per trigger when the effective
 * delivery differs (more than 5 retries, linear backoff beyond 3 retries, a dead letter, a per-attempt
 * timeout outside 15 s..30 min). Queue triggers are refused by cloudRun() (ZS-CLOUDRUN-QUEUE), so
 * their delivery is never realised.
 */
export const cloudrunDelivery: DeliveryModel = (t) => {
  if (t.source.type !== "schedule") return { delivery: honoured(t.delivery), diagnostics: [] };
  const declared = t.delivery;
  const r = cloudSchedulerRetry(declared);
  const waits = cloudSchedulerWaits(r);
  const wanted = Array.from({ length: r.retryCount }, (_, i) => (declared.backoff.policy === "exponential" ? declared.backoff.delayMs * 2 ** (i + 1) : declared.backoff.delayMs * (i + 1)));
  const backoffExact = waits.every((w, i) => w === wanted[i]);
  const effective: EffectiveDelivery = {
    mode: "push",
    retries: r.retryCount,
    backoff: backoffExact ? declared.backoff : null,
    deadLetter: null,
    timeoutSeconds: r.attemptDeadlineSeconds,
    ...(backoffExact ? {} : { note: `Cloud Scheduler waits ${waits.map(formatDurationMillis).join(", ")}` }),
  };
  const differs: string[] = [];
  if (declared.retries > r.retryCount) differs.push(`${declared.retries} retries (Cloud Scheduler's retryCount is at most ${CLOUD_SCHEDULER.maxRetries})`);
  if (!backoffExact) differs.push(`${declared.backoff.policy} backoff from ${formatDurationMillis(declared.backoff.delayMs)} (Cloud Scheduler doubles its interval, then grows it linearly)`);
  if (declared.deadLetter !== null) differs.push(`a dead letter (Cloud Scheduler has none: the event is dropped after its last attempt)`);
  if (declared.timeoutSeconds !== r.attemptDeadlineSeconds) differs.push(`${declared.timeoutSeconds}s per attempt (attemptDeadline is ${CLOUD_SCHEDULER.minDeadlineSeconds}s..${CLOUD_SCHEDULER.maxDeadlineSeconds}s)`);
  if (differs.length === 0) return { delivery: effective, diagnostics: [] };
  const d = new Diagnostics();
  d.warn(
    "ZS-CLOUDRUN-DELIVERY",
    t.id,
    "delivery",
    { retries: declared.retries, backoff: declared.backoff, deadLetter: declared.deadLetter, timeoutSeconds: declared.timeoutSeconds },
    `is approximated by Cloud Scheduler's retryConfig: ${differs.join("; ")}; effective: ${describeDelivery(effective)}`,
    declared.deadLetter !== null
      ? "handle the last failure in the function (it can tell a retry by X-CloudScheduler-ScheduleTime), or deploy with knative(), keda() or docker() for dead letters"
      : `declare what Cloud Scheduler runs (at most ${CLOUD_SCHEDULER.maxRetries} retries, exponential backoff, a timeout within ${CLOUD_SCHEDULER.minDeadlineSeconds}s..${CLOUD_SCHEDULER.maxDeadlineSeconds}s), or deploy with knative(), keda() or docker()`,
  );
  return { delivery: effective, diagnostics: d.list("warning") };
};
