/**
 * The one retry engine of the local runtime (gateway connectors, the Scheduler, the KEDA dispatcher):
 * one attempt at a time through `Deliver` with the per-attempt timeout, 2xx = success, anything else
 * (another status, a connection error, a timeout) = a failed attempt; after a failed attempt the
 * message waits `backoffDelayMs(policy, delay, n)` before retry n, and after `retries + 1` failed
 * attempts it goes to its dead letter (a function: the event with ce-zeroscalefailure /
 * ce-zeroscaleattempts; a queue: the connector's `toQueue`), or is dropped and logged when there is
 * none. Then the message is acked. Every broker gets the same rules from here.
 *
 * Slots: an attempt holds one of `maxInflight` slots; a message waiting in backoff holds none, so a
 * poison message never blocks the messages behind it. Messages in backoff are bounded
 * (`maxWaiting`, default MAX_WAITING = 10 000): at the bound `free()` is 0 and the connector stops
 * reading until some settle.
 */
import type { Logger } from "pino";
import type { DeliveryData, TriggerNode } from "../../lib/index.js";
import { backoffDelayMs, type EffectiveDelivery } from "../../lib/events/delivery.js";
import { type EncodedEvent, withFailure } from "../../lib/events/encode.js";
import type { BackoffPolicy } from "../../lib/vocabulary.js";
import type { Deliver } from "../gateway/schedules.js";

/** The most messages one engine keeps waiting in backoff; at the bound the connector stops reading. */
export const MAX_WAITING = 10_000;

/** The longest wait between two tries of a failing dead letter, ms (they follow the trigger's backoff up to this). */
export const DEAD_LETTER_RETRY_MAX_MS = 30_000;

/** Time, injectable for tests. `sleep` resolves early (false) when `signal` aborts. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      const t = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        resolve(false);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    }),
};

/** What the engine counts (per trigger; the gateway exports them as zeroscale_event_deliveries_total outcomes). */
export interface DeliveryStats {
  /** Messages a 2xx answered. */
  delivered: number;
  /** Attempts after the first. */
  retried: number;
  /** Messages moved to their dead letter after the last failed attempt. */
  deadLettered: number;
  /** Messages given up without a dead letter (none declared), logged. */
  dropped: number;
}

export type Outcome = "retried" | "dead-lettered" | "dropped";

/** Why the last attempt failed, and how many attempts were made. */
export interface Failure {
  readonly reason: string;
  readonly attempts: number;
}

/** One message handed to the engine by a connector. */
export interface Job {
  /** The idempotency key (the CloudEvent id): the same on every attempt and redelivery. */
  readonly id: string;
  readonly event: EncodedEvent;
  /** Attempts already made before this consumer got it (from the broker's delivery count after a restart). @default 0 */
  readonly attemptsMade?: number;
  /** Called before attempt n (1-based, counting `attemptsMade`) when n > 1: e.g. bump the broker's delivery count. */
  beforeRetry?(attempt: number): Promise<void>;
  /** The message is done (delivered, dead-lettered or dropped): remove it from the broker. */
  ack(how: "delivered" | "dead-lettered" | "dropped"): Promise<void>;
  /**
   * The broker redelivers after `waitMs` (NATS: nak with the delay): given, a failed attempt ends the
   * run ("requeued") instead of waiting in-process; the redelivery's `attemptsMade` carries on.
   */
  requeue?(waitMs: number): Promise<void>;
  /** Put the message on the dead-letter queue `name` of the same broker (before `ack`). */
  toQueue?(name: string, failure: Failure): Promise<void>;
}

/**
 * How a job ended. "held": the dead letter failed or the engine stopped; the message stays with the
 * broker (unacked) for a redelivery. "requeued": handed back to the broker for a delayed redelivery (`requeue`).
 */
export type Settled = "delivered" | "dead-lettered" | "dropped" | "held" | "requeued";

/** The step after an attempt: pure, the whole policy (exported for tests and the NATS connector). */
export type Step = { readonly kind: "ack" } | { readonly kind: "retry"; readonly waitMs: number } | { readonly kind: "dead-letter" };

/** The policy the engine applies: the effective delivery, a null field falling back to the declared one. */
export interface RetryPolicy {
  readonly retries: number;
  readonly backoff: { readonly policy: BackoffPolicy; readonly delayMs: number };
  readonly deadLetter: EffectiveDelivery["deadLetter"];
  /** Per attempt, ms; undefined: the function's own request timeout. */
  readonly timeoutMs: number | undefined;
}

/** The default when a trigger carries no delivery (graphs from before delivery existed): 3 retries, exponential from 1 s. */
const FALLBACK: DeliveryData = { retries: 3, backoff: { policy: "exponential", delayMs: 1000 }, deadLetter: null, timeoutSeconds: 0 };

export function retryPolicy(effective: EffectiveDelivery | null, declared: DeliveryData | null): RetryPolicy {
  const d = declared ?? FALLBACK;
  const timeoutSeconds = effective?.timeoutSeconds ?? (declared ? declared.timeoutSeconds : null);
  return {
    retries: effective?.retries ?? d.retries,
    backoff: effective?.backoff ?? d.backoff,
    deadLetter: effective ? effective.deadLetter : d.deadLetter,
    timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : undefined,
  };
}

/** After attempt `attempt` (1-based, all attempts so far): ack on success, else retry after the backoff, else the dead letter. */
export function nextStep(p: RetryPolicy, attempt: number, ok: boolean): Step {
  if (ok) return { kind: "ack" };
  if (attempt > p.retries) return { kind: "dead-letter" };
  return { kind: "retry", waitMs: backoffDelayMs(p.backoff.policy, p.backoff.delayMs, attempt) };
}

export interface RetryEngineOptions {
  /** The trigger id (for `Deliver`, logs and metrics). */
  readonly trigger: string;
  /** The function the events go to. */
  readonly target: string;
  readonly policy: RetryPolicy;
  readonly deliver: Deliver;
  readonly log: Logger;
  /** Attempts in flight at once. */
  readonly maxInflight: number;
  /** Messages waiting in backoff at once. @default MAX_WAITING */
  readonly maxWaiting?: number;
  /** @default REAL_CLOCK */
  readonly clock?: Clock;
  /** Each retry, dead letter and drop (the gateway's metrics). */
  readonly onOutcome?: (outcome: Outcome) => void;
}

/** Runs jobs with the retry policy, within `maxInflight` attempt slots. */
export class RetryEngine {
  readonly stats: DeliveryStats = { delivered: 0, retried: 0, deadLettered: 0, dropped: 0 };
  private inflight = 0;
  private waiting = 0;
  private readonly queue: (() => void)[] = [];
  private readonly running = new Set<Promise<Settled>>();
  private readonly abort = new AbortController();
  private readonly clock: Clock;
  private readonly maxWaiting: number;

  constructor(private readonly o: RetryEngineOptions) {
    this.clock = o.clock ?? REAL_CLOCK;
    this.maxWaiting = o.maxWaiting ?? MAX_WAITING;
  }

  /** How many new messages the connector may hand over now (0 at the bound of messages in backoff). */
  free(): number {
    if (this.waiting >= this.maxWaiting) return 0;
    return Math.max(0, this.o.maxInflight - this.inflight - this.queue.length);
  }

  /** Messages the engine holds: in an attempt, waiting for a slot, or waiting in backoff. */
  held(): number {
    return this.inflight + this.queue.length + this.waiting;
  }

  /** Run a job to its end (see Settled). Never rejects. */
  run(job: Job): Promise<Settled> {
    const p = this.runJob(job).catch((e: unknown) => {
      this.o.log.error({ trigger: this.o.trigger, id: job.id, err: (e as Error).message }, "delivery bookkeeping failed; the message stays with the broker");
      return "held" as const;
    });
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  /** Stop: waits in backoff end now (those messages stay unacked with the broker), attempts under way finish. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const wake of this.queue.splice(0)) wake();
    await Promise.allSettled([...this.running]);
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** One attempt, in a slot: the status, or the failure's reason; null when the engine stopped before a slot was free. */
  async attempt(fnId: string, event: EncodedEvent): Promise<{ ok: true } | { ok: false; reason: string } | null> {
    if (!(await this.acquire())) return null;
    try {
      const status = await this.o.deliver(fnId, this.o.trigger, event, this.o.policy.timeoutMs === undefined ? {} : { timeoutMs: this.o.policy.timeoutMs });
      return status >= 200 && status < 300 ? { ok: true } : { ok: false, reason: `HTTP ${status}` };
    } catch (e) {
      return { ok: false, reason: (e as Error).message || String(e) };
    } finally {
      this.releaseSlot();
    }
  }

  private async runJob(job: Job): Promise<Settled> {
    const p = this.o.policy;
    let n = job.attemptsMade ?? 0;
    // Every attempt was made before a restart (the consumer died after the last one): straight to the dead letter.
    if (n > p.retries) return this.deadLetter(job, { reason: `all ${n} attempts were made before a restart (the consumer stopped during the last)`, attempts: n });
    for (;;) {
      if (this.stopped) return "held";
      n++;
      if (n > 1) {
        await job.beforeRetry?.(n);
        this.stats.retried++;
        this.o.onOutcome?.("retried");
      }
      const r = await this.attempt(this.o.target, job.event);
      if (r === null) return "held";
      const step = nextStep(p, n, r.ok);
      if (step.kind === "ack") {
        await job.ack("delivered");
        this.stats.delivered++;
        return "delivered";
      }
      const reason = r.ok ? "" : r.reason;
      if (step.kind === "dead-letter") return this.deadLetter(job, { reason, attempts: n });
      this.o.log.warn({ trigger: this.o.trigger, id: job.id, attempt: n, reason, retryInMs: step.waitMs }, "delivery failed; retrying");
      if (job.requeue) {
        await job.requeue(step.waitMs);
        return "requeued";
      }
      this.waiting++;
      const slept = await this.clock.sleep(step.waitMs, this.abort.signal).finally(() => this.waiting--);
      if (!slept) return "held";
    }
  }

  private async deadLetter(job: Job, failure: Failure): Promise<Settled> {
    const dl = this.o.policy.deadLetter;
    const log = { trigger: this.o.trigger, id: job.id, attempts: failure.attempts, reason: failure.reason };
    if (dl === null) {
      this.o.log.error(log, "delivery failed after the last retry and the trigger has no dead letter: dropped");
      await job.ack("dropped");
      this.stats.dropped++;
      this.o.onOutcome?.("dropped");
      return "dropped";
    }
    // A failing dead letter is tried again (the trigger's backoff, capped) until it takes the message or the
    // engine stops: the message stays unacknowledged meanwhile, and the target is not attempted again.
    for (let tries = 1; ; tries++) {
      try {
        if (dl.type === "function") {
          const r = await this.attempt(dl.target, withFailure(job.event, failure));
          if (r === null) return "held";
          if (!r.ok) throw new Error(`dead-letter function ${dl.target} answered ${r.reason}`);
        } else {
          if (!job.toQueue) throw new Error(`a dead-letter queue (${dl.name}) is not supported here`);
          await job.toQueue(dl.name, failure);
        }
        break;
      } catch (e) {
        const waitMs = Math.min(DEAD_LETTER_RETRY_MAX_MS, backoffDelayMs(this.o.policy.backoff.policy, this.o.policy.backoff.delayMs, tries));
        this.o.log.error({ ...log, err: (e as Error).message, try: tries, retryInMs: waitMs }, "the dead letter failed; trying it again (the message stays unacknowledged)");
        this.waiting++;
        const slept = await this.clock.sleep(waitMs, this.abort.signal).finally(() => this.waiting--);
        if (!slept) return "held";
      }
    }
    await job.ack("dead-lettered");
    this.o.log.warn({ ...log, deadLetter: dl.type === "function" ? dl.target : dl.name }, "delivery failed after the last retry: dead-lettered");
    this.stats.deadLettered++;
    this.o.onOutcome?.("dead-lettered");
    return "dead-lettered";
  }

  /** A slot (true), or false once the engine stopped. */
  private acquire(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    if (this.inflight < this.o.maxInflight) {
      this.inflight++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) =>
      this.queue.push(() => {
        if (this.stopped) return resolve(false);
        this.inflight++;
        resolve(true);
      }),
    );
  }

  private releaseSlot(): void {
    this.inflight--;
    const next = this.queue.shift();
    if (next) next();
  }
}

/** The engine of a connector: its trigger's policy, target, Deliver and slots. */
export function connectorEngine(o: {
  readonly trigger: TriggerNode;
  readonly delivery: EffectiveDelivery | null;
  readonly deliver: Deliver;
  readonly log: Logger;
  readonly maxInflight: number;
  readonly onOutcome?: (outcome: Outcome) => void;
}): RetryEngine {
  return new RetryEngine({
    trigger: o.trigger.id,
    target: o.trigger.target,
    policy: retryPolicy(o.delivery, o.trigger.delivery),
    deliver: o.deliver,
    log: o.log,
    maxInflight: Math.max(1, o.maxInflight),
    ...(o.onOutcome ? { onOutcome: o.onOutcome } : {}),
  });
}
