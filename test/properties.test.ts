// Any input, valid or not, yields a graph or a ValidationError, and then a plan or a BackendError:
// never a crash, a hang, an invalid graph, or YAML that does not parse.
import { Ajv } from "ajv";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { App, BackendError, EventTrigger, graphSchemaErrors, ScalingPolicy, ServerlessFunction, synth, ValidationError } from "zeroscale";
import { DOCKER_PLAN_SCHEMA, docker } from "zeroscale/providers/docker";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";

const validateDockerPlan = new Ajv({ allowUnionTypes: true }).compile(DOCKER_PLAN_SCHEMA);
const junk = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string(), { maxLength: 3 }));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: arb }, { weight: 1, arbitrary: junk });
const duration = maybe(fc.constantFrom("1s", "30s", "5m", "90s", "1h", "2h", "1.5s", "0", "30", "-1s"));

const functionProps = fc.record(
  {
    image: maybe(fc.constantFrom("registry.example.com/a/b:1.0.0", "nginx", "r.example.com/x:latest", "Bad Image")),
    code: maybe(fc.record({ path: fc.constantFrom("src", "/abs"), handler: fc.constantFrom("index.js", "index.js#handler", "index.ts") })),
    port: maybe(fc.integer({ min: -5, max: 70_000 })),
    memory: maybe(fc.constantFrom("128Mi", "1Gi", "5Mi", "1GB", "0.5Gi")),
    cpu: maybe(fc.constantFrom("100m", "1", "0.5", "0.0001", "fast")),
    timeout: duration,
    concurrency: maybe(fc.integer({ min: -1, max: 2000 })),
    env: maybe(fc.dictionary(fc.constantFrom("A", "PORT", "MY_TOKEN", "1X", "LOG"), maybe(fc.string({ maxLength: 8 })), { maxKeys: 3 })),
    secrets: maybe(fc.dictionary(fc.constantFrom("DB", "KEY"), maybe(fc.record({ secret: fc.constantFrom("db", "Bad_Name"), key: fc.constantFrom("url", "a b") })), { maxKeys: 2 })),
    readinessPath: maybe(fc.constantFrom("/", "/healthz", "health")),
    labels: maybe(fc.dictionary(fc.constantFrom("team", "zeroscale.dev/x", "a/b/c"), fc.constantFrom("x", "has space", ""), { maxKeys: 2 })),
  },
  { requiredKeys: [] },
);

const triggerSource = fc.oneof(
  fc.record({ http: maybe(fc.record({ path: fc.constantFrom("/", "/api", "api", "/api/", "/a b"), methods: maybe(fc.subarray(["GET", "POST", "GET"])) }, { requiredKeys: ["path"] })) }),
  fc.record({ schedule: maybe(fc.record({ cron: fc.constantFrom("0 3 * * *", "* * * * * *", "61 * * * *", "nope"), timezone: maybe(fc.constantFrom("UTC", "Europe/Berlin", "Mars")) }, { requiredKeys: ["cron"] })) }),
  fc.record({
    queue: maybe(
      fc.record({
        broker: fc.constantFrom("redis", "rabbitmq", "kafka", "nats", "sqs"),
        connection: fc.oneof(fc.constantFrom("redis://r:6379", "amqp://mq:5672", "k:9092", "nats://n:4222", "redis://u:p@r:6379"), fc.record({ secret: fc.constant("s"), key: fc.constant("url") })),
        name: fc.constantFrom("orders", "a b", "x.*"),
      }),
    ),
  }),
);

const policyProps = fc.record(
  {
    minInstances: maybe(fc.integer({ min: -2, max: 30 })),
    maxInstances: maybe(fc.integer({ min: -1, max: 30 })),
    metric: maybe(fc.oneof(fc.record({ concurrency: fc.integer({ min: 0, max: 300 }) }), fc.record({ rps: fc.double({ min: 0, max: 500, noNaN: true }) }), fc.record({ cpu: fc.integer({ min: 0, max: 120 }) }), fc.record({ queueLength: fc.integer({ min: 0, max: 50 }) }))),
    idleTimeout: duration,
    stableWindow: duration,
    scaleDownDelay: duration,
    initialInstances: maybe(fc.integer({ min: -1, max: 40 })),
  },
  { requiredKeys: [] },
);

const appArb = fc.array(fc.record({ fn: functionProps, triggers: fc.array(triggerSource, { maxLength: 3 }), policy: fc.option(policyProps) }), { minLength: 1, maxLength: 3 });

describe("properties: any input", () => {
  it("yields a valid graph or a ValidationError, then a plan or a BackendError, with parseable YAML", () => {
    fc.assert(
      fc.property(appArb, (spec) => {
        const app = new App({ name: "prop" });
        spec.forEach((s, i) => {
          const fn = new ServerlessFunction(app, `f${i}`, s.fn as never);
          s.triggers.forEach((t, j) => new EventTrigger(app, `t${i}-${j}`, { ...(t as object), target: fn } as never));
          if (s.policy) new ScalingPolicy(app, `p${i}`, { ...(s.policy as object), target: fn } as never);
        });
        let graph;
        try {
          graph = synth(app);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          expect((e as ValidationError).errors.length).toBeGreaterThan(0);
          return;
        }
        expect(graphSchemaErrors(JSON.parse(JSON.stringify(graph)))).toEqual([]);
        for (const backend of [knative({ registry: "r.example.com/p" }), keda({ registry: "r.example.com/p" }), docker()]) {
          try {
            const plan = backend.compile(graph as never);
            for (const f of backend.artifacts(plan as never)) {
              if (f.path.endsWith(".yaml")) for (const doc of parseAllDocuments(f.content)) expect(doc.errors).toEqual([]);
              if (f.path === "plan.json" && backend.name === "docker") expect(validateDockerPlan(JSON.parse(f.content))).toBe(true);
            }
          } catch (e) {
            expect(e).toBeInstanceOf(BackendError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
