import { CloudEvent, HTTP } from "cloudevents";
import { Cron } from "croner";
import type { TriggerNode } from "../../lib/index.js";

/** Delivers one event to a function; resolves with the HTTP status. */
export type Deliver = (fnId: string, trigger: string, event: { headers: Record<string, string>; body: Buffer }) => Promise<number>;

/** A binary-mode CloudEvent as HTTP headers and body (the cloudevents SDK's encoding). */
export function binaryEvent(type: string, source: string, data: unknown, extra: { subject?: string; id?: string } = {}): { headers: Record<string, string>; body: Buffer } {
  const ce = new CloudEvent({
    type,
    source,
    ...(extra.id ? { id: extra.id } : {}),
    ...(extra.subject ? { subject: extra.subject } : {}),
    ...(data === null || data === undefined ? {} : { data, datacontenttype: typeof data === "string" ? "text/plain" : "application/json" }),
  });
  const msg = HTTP.binary(ce);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(msg.headers)) headers[k.toLowerCase()] = String(v);
  const body = msg.body === undefined || msg.body === null ? Buffer.alloc(0) : Buffer.from(typeof msg.body === "string" ? msg.body : JSON.stringify(msg.body));
  return { headers, body };
}

/** Fires each schedule trigger's CloudEvent on its cron, in its time zone (croner). */
export class Scheduler {
  private readonly jobs: Cron[] = [];

  constructor(
    private readonly app: string,
    private readonly deliver: Deliver,
  ) {}

  start(triggers: readonly TriggerNode[]): void {
    for (const t of triggers) {
      if (t.source.type !== "schedule") continue;
      const s = t.source;
      const job = new Cron(s.cron, { timezone: s.timezone, mode: "5-or-6-parts", protect: true }, () => {
        void this.deliver(t.target, t.id, binaryEvent("dev.zeroscale.schedule", `/zeroscale/${this.app}/${t.id}`, s.data)).catch(() => undefined);
      });
      this.jobs.push(job);
    }
  }

  /** Next fire time of each job (for the status endpoint). */
  nextRuns(): Date[] {
    return this.jobs.map((j) => j.nextRun()).filter((d): d is Date => d !== null);
  }

  stop(): void {
    for (const j of this.jobs.splice(0)) j.stop();
  }
}
