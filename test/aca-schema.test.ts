// The synth artifacts of aca() validated against the Microsoft.App 2025-01-01 JSON Schema from
// Azure/azure-resource-manager-schemas (trimmed copy under test/schemas/aca/, see SOURCE.md).
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { containerApps } from "zeroscale/providers/aca";
import { buildOrdersApp } from "../examples/orders/app.js";

const schema = JSON.parse(readFileSync(new URL("./schemas/aca/Microsoft.App.2025-01-01.trimmed.json", import.meta.url), "utf8")) as Record<string, any>;

/** The schema with additionalProperties: false wherever an object lists its properties (and no additionalProperties of its own). */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (typeof node !== "object" || node === null) return node;
  const o = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strict(s)])) : strict(v)]));
  if (o["type"] === "object" && o["properties"] && Object.keys(o["properties"]).length > 0 && o["additionalProperties"] === undefined) o["additionalProperties"] = false;
  return o;
}

const ajv = new Ajv({ strict: false, allErrors: true });
const strictSchema = strict(schema) as Record<string, any>;
// The one correction (SOURCE.md): the generator published ContainerResources.cpu as an integer, but the
// REST spec (azure-rest-api-specs, ContainerResources.cpu: number, format double) and ARM take 0.25, 0.5, ...
strictSchema["definitions"]["ContainerResources"]["properties"]["cpu"]["oneOf"][0] = { type: "number" };
ajv.addSchema(strictSchema, "aca");
const validators = {
  "Microsoft.App/containerApps": ajv.compile({ $ref: "aca#/resourceDefinitions/containerApps" }),
  "Microsoft.App/jobs": ajv.compile({ $ref: "aca#/resourceDefinitions/jobs" }),
};

function everything(): App {
  const app = new App({ name: "sv", labels: { team: "schema" } });
  const api = new ServerlessFunction(app, "api", { image: "svacr.azurecr.io/sv/api:1.0.0", cpu: "500m", memory: "1Gi", timeout: "60s", secrets: { DB_URL: { secret: "sv-db", key: "url" } }, env: { MODE: "prod" }, command: ["node"], args: ["server.js"] });
  api.addTrigger("http", { http: { path: "/" } });
  api.addTrigger("nightly", { schedule: { cron: "0 2 * * *", timezone: "UTC", data: "tick" } });
  api.addScalingPolicy({ maxInstances: 30, metric: { rps: 20 }, targetUtilizationPercent: 50, schedule: [{ start: "0 8 * * 1-5", end: "0 18 * * 1-5", timezone: "Europe/Berlin", minInstances: 2 }] });
  const cpu = new ServerlessFunction(app, "cpu", { image: "registry.example.com/sv/cpu:1.0.0" });
  cpu.addTrigger("http", { http: { path: "/", host: "cpu.example.com" } });
  cpu.addScalingPolicy({ minInstances: 1, metric: { cpu: 60 } });
  for (const [id, broker, connection] of [["redis", "redis", { secret: "sv-redis", key: "address" }], ["rabbit", "rabbitmq", "amqp://mq:5672"], ["kafka", "kafka", "kafka-0:9092"], ["nats", "nats", "nats://n:4222"]] as const) {
    const fn = new ServerlessFunction(app, id, { image: `registry.example.com/sv/${id}:1.0.0` });
    fn.addTrigger("q", { queue: { broker, connection, name: "jobs" } });
    fn.addScalingPolicy({ metric: { queueLength: 7 } });
  }
  return app;
}

describe("aca() artifacts against the Microsoft.App 2025-01-01 schema", () => {
  const cases: [string, App][] = [
    ["every trigger, broker and rule kind", everything()],
    ["examples/orders", buildOrdersApp({ redisUrl: "redis://redis:6379" })],
  ];
  for (const [name, app] of cases) {
    it(`${name}: every emitted resource validates (with apiVersion 2025-01-01 added, as ARM needs; az takes the file without it)`, () => {
      const backend = containerApps({ registry: "svacr.azurecr.io/sv", images: { "orders/api": `svacr.azurecr.io/o/api@sha256:${"1".repeat(64)}`, "orders/worker": `svacr.azurecr.io/o/w@sha256:${"2".repeat(64)}` } });
      const files = backend.artifacts(backend.compile(synth(app))).filter((f) => f.path.endsWith(".yml"));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const doc = parse(f.content) as { type: keyof typeof validators };
        const validate = validators[doc.type];
        expect(validate, f.path).toBeDefined();
        const ok = validate({ apiVersion: "2025-01-01", ...doc });
        expect(ok ? [] : validate.errors, f.path).toEqual([]);
      }
    });
  }

  it("the strict schema catches a misspelt field (the check is not vacuous)", () => {
    const backend = containerApps();
    const plan = backend.compile(synth(everything()));
    const doc = parse((backend.artifacts(plan).find((f) => f.path.endsWith(".containerapp.yml")) as { content: string }).content) as Record<string, any>;
    doc["properties"]["template"]["scale"]["coolDownPeriod"] = 10;
    expect(validators["Microsoft.App/containerApps"]({ apiVersion: "2025-01-01", ...doc })).toBe(false);
    doc["properties"]["template"]["scale"] = { minReplicas: "0" };
    expect(validators["Microsoft.App/containerApps"]({ apiVersion: "2025-01-01", ...doc })).toBe(false);
  });
});
