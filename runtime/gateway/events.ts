/**
 * The gateway's event sources: the Scheduler and one connector per queue trigger, each delivering
 * through the retry engine (runtime/connectors/retry.ts) with the trigger's effective delivery on
 * the engine the gateway runs, in that engine's envelope, and counting retries, dead letters and
 * drops into zeroscale_event_deliveries_total.
 */
import type { Logger } from "pino";
import type { EnvelopeStyle } from "../../lib/events/encode.js";
import type { TriggerNode } from "../../lib/index.js";
import { assertNever, type EngineName } from "../../lib/vocabulary.js";
import { type Connector, startConnectors } from "../connectors/index.js";
import type { DeliveryStats, Outcome } from "../connectors/retry.js";
import type { GatewayMetrics } from "./observability.js";
import { type Deliver, Scheduler } from "./schedules.js";

/** The envelope `zeroscale dev` sends when running `engine`: Knative's sources' under --emulate knative, zeroscale's otherwise. */
export function envelopeStyle(engine: EngineName): EnvelopeStyle {
  switch (engine) {
    case "knative":
      return "knative";
    case "zeroscale":
    case "keda": // the zeroscale dispatcher delivers on KEDA: zeroscale's envelope
    case "cloudrun":
    case "aca":
    case "lambda":
      return "zeroscale";
    default:
      return assertNever(engine, "engine");
  }
}

/** Per trigger: what its events became. */
export type TriggerDeliveryStats = DeliveryStats & { readonly trigger: string; readonly target: string };

export class EventSources {
  private scheduler: Scheduler | undefined;
  private connectors: Connector[] = [];

  constructor(
    private readonly o: {
      readonly app: string;
      readonly engine: EngineName;
      readonly deliver: Deliver;
      readonly log: Logger;
      readonly metrics: GatewayMetrics;
      readonly maxInflight: (fnId: string) => number;
      /** The namespace in Knative-style sources. @default "default" */
      readonly namespace?: string;
    },
  ) {}

  /** Start firing schedules and consuming queues; resolves with the connectors (their backlogs drive queueLength). */
  async start(triggers: readonly TriggerNode[]): Promise<readonly Connector[]> {
    const style = envelopeStyle(this.o.engine);
    const onOutcome = (trigger: string, outcome: Outcome) => this.o.metrics.deliveries.inc({ trigger, outcome });
    const common = { engine: this.o.engine, style, onOutcome, ...(this.o.namespace !== undefined ? { namespace: this.o.namespace } : {}) };
    this.scheduler = new Scheduler(this.o.deliver, { log: this.o.log, maxInflight: this.o.maxInflight, ...common });
    this.scheduler.start(triggers);
    this.connectors = await startConnectors(this.o.app, triggers, this.o.deliver, this.o.log, this.o.maxInflight, common);
    return this.connectors;
  }

  /** Fire a schedule trigger now through its Scheduler (the console's "fire now"); undefined when it is not a running schedule. */
  fire(triggerId: string): ReturnType<Scheduler["fire"]> {
    return this.scheduler?.fire(triggerId);
  }

  /** Per schedule and queue trigger: delivered, retried, dead-lettered, dropped. */
  stats(triggers: readonly TriggerNode[]): TriggerDeliveryStats[] {
    const scheduled = this.scheduler?.stats() ?? new Map<string, DeliveryStats>();
    const byTrigger = new Map<string, DeliveryStats>(scheduled);
    for (const c of this.connectors) byTrigger.set(c.trigger, c.stats());
    return triggers.flatMap((t) => {
      const s = byTrigger.get(t.id);
      return s ? [{ trigger: t.id, target: t.target, ...s }] : [];
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.scheduler?.stop(), ...this.connectors.map((c) => c.stop())]);
  }
}
