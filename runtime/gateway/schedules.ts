import { Cron } from "croner";
import type { Logger } from "pino";
import type { EngineName, TriggerNode } from "../../lib/index.js";
import { type EnvelopeStyle, encodeScheduleEvent } from "../../lib/events/encode.js";
import { effectiveDelivery } from "../../lib/events/models.js";
import { type DeliveryStats, type Outcome, RetryEngine, retryPolicy, type Settled } from "../connectors/retry.js";

/**
 * Delivers ONE attempt of an event to a function; resolves with the HTTP status, rejects when nothing
 * answered (connection error, timeout). `timeoutMs`: this attempt's limit (default: the function's
 * request timeout). Retries are the caller's (runtime/connectors/retry.ts).
 */
export type Deliver = (fnId: string, trigger: string, event: { headers: Record<string, string>; body: Buffer }, o?: { timeoutMs?: number }) => Promise<number>;

/** What the Scheduler is started with besides the Deliver. */
export interface SchedulerOptions {
  readonly log: Logger;
  /** The engine whose delivery model applies. @default "zeroscale" */
  readonly engine?: EngineName;
  /** Whose envelope the events carry. @default "zeroscale" */
  readonly style?: EnvelopeStyle;
  readonly namespace?: string;
  /** Attempts in flight at once per trigger (its function's maxInstances x concurrency). @default 1000 */
  readonly maxInflight?: (fnId: string) => number;
  /** Each retry, dead letter and drop, by trigger id. */
  readonly onOutcome?: (trigger: string, outcome: Outcome) => void;
}

/**
 * Fires each schedule trigger's CloudEvent on its cron, in its time zone (croner), through the retry
 * engine: a firing is retried per the trigger's delivery (its id, `<trigger id>@<ISO time>`, the same
 * on every retry), then goes to the dead-letter function, or is dropped and logged without one.
 */
export class Scheduler {
  private readonly jobs: Cron[] = [];
  private readonly engines = new Map<string, RetryEngine>();
  private readonly fires = new Map<string, (time: Date, manual?: boolean) => { id: string; settled: Promise<Settled> }>();

  constructor(
    private readonly deliver: Deliver,
    private readonly o: SchedulerOptions,
  ) {}

  start(triggers: readonly TriggerNode[]): void {
    for (const t of triggers) {
      if (t.source.type !== "schedule") continue;
      const s = t.source;
      const { delivery } = effectiveDelivery(this.o.engine ?? "zeroscale", t);
      const onOutcome = this.o.onOutcome;
      const engine = new RetryEngine({
        trigger: t.id,
        target: t.target,
        policy: retryPolicy(delivery, t.delivery),
        deliver: this.deliver,
        log: this.o.log,
        maxInflight: Math.max(1, this.o.maxInflight?.(t.target) ?? 1000),
        ...(onOutcome ? { onOutcome: (x: Outcome) => onOutcome(t.id, x) } : {}),
      });
      this.engines.set(t.id, engine);
      let manual = 0;
      const fire = (time: Date, isManual = false) => {
        // A cron firing's id is its second (the same on every retry); a manual one gets its own, so an
        // idempotent handler never skips it as a repeat of a cron firing in the same second.
        if (!isManual) time.setMilliseconds(0);
        const id = isManual ? `${t.id}@${time.toISOString()}#manual-${++manual}` : undefined;
        const event = encodeScheduleEvent(this.o.style ?? "zeroscale", t, { time, ...(id ? { id } : {}) }, { namespace: this.o.namespace ?? "default" });
        return { id: event.id, settled: engine.run({ id: event.id, event, ack: async () => undefined }) };
      };
      this.fires.set(t.id, fire);
      const job = new Cron(s.cron, { timezone: s.timezone, mode: "5-or-6-parts", protect: true }, (self: Cron) => void fire(self.currentRun() ?? new Date()).settled);
      this.jobs.push(job);
    }
  }

  /**
   * Fire schedule trigger `triggerId` now, once, as its cron would (same envelope, same retry engine,
   * counted in its stats): the console's "fire now". Undefined for a trigger this scheduler does not run.
   */
  fire(triggerId: string, time = new Date()): { id: string; settled: Promise<Settled> } | undefined {
    return this.fires.get(triggerId)?.(time, true);
  }

  /** Next fire time of each job (for the status endpoint). */
  nextRuns(): Date[] {
    return this.jobs.map((j) => j.nextRun()).filter((d): d is Date => d !== null);
  }

  /** The retry engine's counts per schedule trigger. */
  stats(): Map<string, DeliveryStats> {
    return new Map([...this.engines].map(([id, e]) => [id, { ...e.stats }]));
  }

  /** Stop firing; firings waiting in backoff are abandoned, attempts under way finish. */
  async stop(): Promise<void> {
    for (const j of this.jobs.splice(0)) j.stop();
    await Promise.all([...this.engines.values()].map((e) => e.stop()));
  }
}
