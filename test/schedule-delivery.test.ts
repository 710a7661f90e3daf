// Schedules through the retry engine (runtime/gateway/schedules.ts): each firing is a valid
// CloudEvent with a stable id (`<trigger id>@<ISO time>`), retried per its delivery, then sent to
// the dead-letter function with the failure; under `engine: "knative"` it is PingSource's envelope.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CloudEvent, HTTP } from "cloudevents";
import { afterEach, describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import { type Gateway, ProcessDriver } from "../runtime/index.js";
import { envelopeStyle } from "../runtime/gateway/events.js";
import { FIXTURES, startGateway, waitFor } from "./support/gateway.js";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

interface Delivery {
  at: number;
  headers: Record<string, string>;
  body: string;
}
const read = (file: string): Delivery[] => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Delivery) : []);
const event = (d: Delivery) => {
  const ev = HTTP.toEvent({ headers: d.headers, body: d.body }) as CloudEvent<unknown>;
  expect(ev.validate()).toBe(true);
  return ev;
};

function scheduleApp(file: string, dlFile: string, data: unknown): App {
  const app = new App({ name: "sched" });
  const fn = new ServerlessFunction(app, "tick", { code: { path: "functions", handler: "deliveries.js#recorder" }, env: { EVENTS_FILE: file, POISON: "POISON" } });
  const dead = new ServerlessFunction(app, "dead", { code: { path: "functions", handler: "deliveries.js#recorder" }, env: { EVENTS_FILE: dlFile } });
  fn.addTrigger("every2s", { schedule: { cron: "*/2 * * * * *", data }, delivery: { retries: 2, backoff: { policy: "linear", delay: "100ms" }, deadLetter: dead } });
  return app;
}

describe("schedule delivery", () => {
  it("retries a failing firing with its stable id, then sends it to the dead-letter function with the failure", { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "zs-sched-"));
    const file = join(dir, "events.jsonl");
    const dlFile = join(dir, "dead.jsonl");
    gateway = await startGateway(scheduleApp(file, dlFile, { job: "POISON" }), new ProcessDriver(FIXTURES));
    expect(await waitFor(() => read(dlFile).length > 0, 15_000)).toBe(true);
    const dl = event(read(dlFile)[0]!);
    const attempts = read(file).filter((d) => d.headers["ce-id"] === dl.id);
    expect(attempts).toHaveLength(3);
    expect(dl.id).toMatch(/^sched\/tick\/every2s@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(dl.type).toBe("dev.zeroscale.schedule");
    expect(dl.source).toBe("/zeroscale/sched/tick/every2s");
    expect(dl["zeroscalefailure"]).toBe("HTTP 500");
    expect(dl["zeroscaleattempts"]).toBe("3");
    expect(dl.data).toEqual({ job: "POISON" });
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(80); // linear: 100 ms, then 200 ms
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(180);
    expect(gateway.deliveryStats().find((s) => s.trigger === "sched/tick/every2s")).toMatchObject({ retried: expect.any(Number), deadLettered: expect.any(Number) });
    const metrics = await gateway.metrics.registry.getSingleMetricAsString("zeroscale_event_deliveries_total");
    expect(metrics).toMatch(/trigger="sched\/tick\/every2s",outcome="dead-lettered"\} [1-9]/);
  });

  it("under engine knative sends PingSource's envelope", { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "zs-sched-"));
    const file = join(dir, "events.jsonl");
    gateway = await startGateway(scheduleApp(file, join(dir, "dead.jsonl"), { job: "ok" }), new ProcessDriver(FIXTURES), { engine: "knative" });
    expect(await waitFor(() => read(file).length > 0, 15_000)).toBe(true);
    const ev = event(read(file)[0]!);
    expect(ev.type).toBe("dev.knative.sources.ping");
    expect(ev.source).toMatch(/^\/apis\/v1\/namespaces\/default\/pingsources\/sched-tick-every2s/); // the PingSource resource name
    expect(ev.data).toEqual({ job: "ok" });
  });

  it("the envelope style follows the engine", () => {
    expect(envelopeStyle("knative")).toBe("knative");
    expect(envelopeStyle("zeroscale")).toBe("zeroscale");
    expect(envelopeStyle("keda")).toBe("zeroscale");
  });
});
