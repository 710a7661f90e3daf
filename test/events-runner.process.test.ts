// The runner hands a code function's handler the normalised event as its second argument, on the
// real process runtime (the runner ships lib/events/parse.js as its events.js), and leaves plain
// requests alone.
import { afterAll, describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import { eventRequest } from "zeroscale/events";
import { type Gateway, ProcessDriver } from "../runtime/index.js";
import { FIXTURES, startGateway } from "./support/gateway.js";

describe("the runner's event context", () => {
  let gateway: Gateway;
  afterAll(() => gateway?.stop());

  it("passes { event, events } for a CloudEvent and { event: undefined, events: [] } for a plain request; the body stays readable", async () => {
    const app = new App({ name: "evctx" });
    new ServerlessFunction(app, "fn", { code: { path: "functions", handler: "event-context.js#handler" } }).addTrigger("http", { http: { path: "/e" } });
    gateway = await startGateway(app, new ProcessDriver(FIXTURES));
    const base = gateway.url;
    const ev = eventRequest({ broker: "redis", queue: "orders", id: "42-0", data: { order: "42" }, style: "knative" });
    const r = await fetch(`${base}/e`, { method: "POST", headers: ev.headers, body: await ev.text() });
    const got = (await r.json()) as { event: Record<string, unknown>; count: number; body: string };
    expect(got.count).toBe(1);
    expect(got.event).toMatchObject({ id: "42-0", idempotencyKey: "42-0", kind: "queue", broker: "redis", type: "dev.knative.sources.redisstream", data: { order: "42" } });
    expect(JSON.parse(got.body)).toEqual(["order", "42"]);
    const plain = (await (await fetch(`${base}/e`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' })).json()) as { event: unknown; count: number };
    expect(plain).toMatchObject({ event: null, count: 0 });
  });
});
