// lambda(): compile (pure, deterministic), the capability cells measured from the engine model,
// plan.json against its schema (test/schemas/lambda/), and the warnings of the known apps.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { App, engineCapabilities, measureKnob, SCALING_KNOBS, ServerlessFunction, synth } from "zeroscale";
import { lambda } from "zeroscale/providers/lambda";
import { app as hello } from "../examples/hello/app.js";
import { app as orders } from "../examples/orders/app.js";
import { lambdaCodeDockerfile, lambdaWrapDockerfile } from "../providers/images/lambda-dockerfile.js";
import { knobContexts } from "../lib/engines/capabilities.js";
import { referenceApp } from "./conformance/reference-app.js";

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x";

/** The conformance suite's Lambda reference app (test/conformance/lambda.test.ts): the Redis worker on Kafka. */
function lambdaReferenceApp(): App {
  const app = referenceApp();
  app.node.tryRemoveChild("worker");
  const w = new ServerlessFunction(app, "worker", { image: "registry.example.com/ref/worker:1.0.0", concurrency: 10 });
  w.addTrigger("orders", { queue: { broker: "kafka", connection: "kafka-1.example.com:9092", name: "orders", batchSize: 10 } });
  w.addScalingPolicy({ minInstances: 0, maxInstances: 20, metric: { queueLength: 10 }, idleTimeout: "2m" });
  return app;
}
const schema = JSON.parse(readFileSync(new URL("./schemas/lambda/plan.schema.json", import.meta.url), "utf8")) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const codes = (app: App, options = {}) => [...new Set(lambda({ registry: REGISTRY, ...options }).compile(synth(app)).warnings.map((w) => w.code))].sort();

describe("lambda(): capability cells measured from its engine model", () => {
  it("honours min/max and baselines; approximates the rest with a warning; never silently", () => {
    const support = Object.fromEntries(SCALING_KNOBS.map((k) => [k, engineCapabilities("lambda")[k][0]]));
    expect(support).toEqual({
      minInstances: "honoured",
      maxInstances: "honoured",
      initialInstances: "approximate",
      "metric.concurrency": "approximate",
      "metric.rps": "approximate",
      "metric.cpu": "approximate",
      "metric.memory": "approximate",
      "metric.queueLength": "approximate",
      targetUtilizationPercent: "approximate",
      idleTimeout: "approximate",
      scaleDownDelay: "approximate",
      stableWindow: "approximate",
      burst: "approximate",
      schedule: "honoured",
      coldStart: "approximate",
    });
    for (const k of SCALING_KNOBS) for (const c of knobContexts(k)) expect(measureKnob("lambda", k, c).silent, `${k} ${c}`).toBe(false);
    expect(measureKnob("lambda", "idleTimeout", "http").effective).toBe(300);
    expect(measureKnob("lambda", "metric.rps", "http").effective).toMatchObject({ metric: { type: "concurrency", target: 1 } });
  });
});

describe("lambda(): compile", () => {
  it("is deterministic, and plan.json matches its schema", () => {
    for (const [app, options] of [[lambdaReferenceApp, {}], [() => hello, {}], [() => hello, { http: "functionUrl" }]] as const) {
      const a = lambda({ region: "eu-west-1", registry: REGISTRY, ...options }).artifacts(lambda({ region: "eu-west-1", registry: REGISTRY, ...options }).compile(synth(app())));
      const b = lambda({ region: "eu-west-1", registry: REGISTRY, ...options }).artifacts(lambda({ region: "eu-west-1", registry: REGISTRY, ...options }).compile(synth(app())));
      expect(b).toEqual(a);
      expect(a.map((f) => f.path)).toEqual(["plan.json"]);
      const ok = validate(JSON.parse((a[0] as { content: string }).content));
      expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("the schema rejects what AWS would (a memorySize or cron out of its form)", () => {
    const plan = JSON.parse(JSON.stringify(lambda({ registry: REGISTRY }).compile(synth(lambdaReferenceApp())))) as { functions: { memoryMb: number; schedules: { expression: string }[] }[] };
    (plan.functions[0] as { memoryMb: number }).memoryMb = 64;
    expect(validate(plan)).toBe(false);
  });

  it("compiles schedules to EventBridge Scheduler cron(...) on the live alias, queues to event source mappings, with least-privilege statements", () => {
    const app = new App({ name: "s" });
    const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/s/fn:1", concurrency: 1 });
    fn.addTrigger("tick", { schedule: { cron: "*/5 9-17 * * MON-FRI", timezone: "Europe/Paris" } });
    fn.addTrigger("jobs", { queue: { broker: "rabbitmq", connection: "amqps://b-1.mq.eu-west-1.amazonaws.com:5671", name: "jobs", batchSize: 5 } });
    const broker = "arn:aws:mq:eu-west-1:123456789012:broker:jobs:b-1234abcd-56ef-78ab-90cd-ef1234567890";
    const creds = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jobs-creds";
    const plan = lambda({ amazonMq: { "s/fn/jobs": { brokerArn: broker, credentialsSecretArn: creds } } }).compile(synth(app));
    const f = plan.functions[0]!;
    expect(f.schedules).toEqual([expect.objectContaining({ expression: "cron(0/5 9-17 ? * 2,3,4,5,6 *)", timezone: "Europe/Paris" })]);
    expect(f.queues).toEqual([{ trigger: "s/fn/jobs", kind: "amazonMq", brokerArn: broker, credentialsSecretArn: creds, virtualHost: "/", queue: "jobs", batchSize: 5 }]);
    expect(f.role.statements).toContainEqual({ actions: ["mq:DescribeBroker"], resources: [broker] });
    expect(f.role.statements).toContainEqual({ actions: ["secretsmanager:GetSecretValue"], resources: [creds] });
    expect(f.effective.metric).toEqual({ type: "queueLength", target: 5, capacity: 5 });
    expect(plan.warnings.map((w) => w.code)).toContain("ZS-LAMBDA-ADAPTER");
    expect(validate(JSON.parse(JSON.stringify(plan)))).toBe(true);
  });

  it("provisioned concurrency for minInstances; reserved concurrency for maxInstances", () => {
    const f = lambda({ registry: REGISTRY }).compile(synth(lambdaReferenceApp())).functions.find((x) => x.id === "ref/steady")!;
    expect([f.provisionedConcurrency, f.reservedConcurrency]).toEqual([2, 4]);
    expect(f.resources).toContain(`ProvisionedConcurrencyConfig/${f.name}:live`);
  });

  it("reserveConcurrency: false sets none (maxInstances unenforced, the account's pool effective); a sum above 900 is warned", () => {
    const plan = lambda({ registry: REGISTRY, reserveConcurrency: false }).compile(synth(lambdaReferenceApp()));
    const f = plan.functions.find((x) => x.id === "ref/steady")!;
    expect([f.provisionedConcurrency, f.reservedConcurrency, f.effective.maxInstances]).toEqual([2, null, 1000]);
    expect(plan.warnings.filter((w) => w.code === "ZS-LAMBDA-UNRESERVED").length).toBe(plan.functions.length);
    expect(plan.warnings.map((w) => w.code)).not.toContain("ZS-LAMBDA-RESERVED-SUM");
    const app = new App({ name: "big" });
    for (const n of ["a", "b"]) new ServerlessFunction(app, n, { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/big/f:1", concurrency: 1 }).addScalingPolicy({ maxInstances: 500 });
    const big = lambda().compile(synth(app));
    expect(big.warnings.filter((w) => w.code === "ZS-LAMBDA-RESERVED-SUM").map((w) => [w.path, w.value])).toEqual([["big", 1000]]);
    expect(lambda({ reserveConcurrency: false }).compile(synth(app)).warnings.map((w) => w.code)).not.toContain("ZS-LAMBDA-RESERVED-SUM");
  });

  it("HTTP is private (AWS_IAM) unless allowUnauthenticated: no public Function URL permissions, ZS-LAMBDA-HTTP-IAM", () => {
    const priv = lambda({ registry: REGISTRY, http: "functionUrl" }).compile(synth(hello));
    expect(priv.allowUnauthenticated).toBe(false);
    expect(priv.warnings.map((w) => w.code)).toContain("ZS-LAMBDA-HTTP-IAM");
    expect(priv.functions.flatMap((f) => f.resources).filter((r) => r.startsWith("Permission/"))).toEqual([]);
    const pub = lambda({ registry: REGISTRY, http: "functionUrl", allowUnauthenticated: true }).compile(synth(hello));
    expect(pub.allowUnauthenticated).toBe(true);
    expect(pub.warnings.map((w) => w.code)).not.toContain("ZS-LAMBDA-HTTP-IAM");
    expect(pub.functions.flatMap((f) => f.resources).filter((r) => r.startsWith("Permission/")).length).toBe(2);
  });

  it("generates the Lambda Web Adapter Dockerfiles", () => {
    expect(lambdaCodeDockerfile({ type: "code", path: "src", file: "index.js", export: "default", baseImage: "node:20-bookworm-slim" })).toContain("COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:0.9.1 /lambda-adapter /opt/extensions/lambda-adapter");
    expect(lambdaWrapDockerfile("r.example.com/a:1").split("\n").slice(1, 2)).toEqual(["FROM r.example.com/a:1"]);
  });
});

describe("lambda(): the known apps' approximations (no errors)", () => {
  it("examples/hello, examples/orders (its Redis worker refused) and the reference apps", () => {
    expect(codes(hello)).toEqual(["ZS-LAMBDA-CONCURRENCY", "ZS-LAMBDA-CPU", "ZS-LAMBDA-HTTP-IAM", "ZS-LAMBDA-HTTP-TIMEOUT", "ZS-LAMBDA-IDLE", "ZS-LAMBDA-INITIAL", "ZS-LAMBDA-METRIC", "ZS-LAMBDA-WINDOW"]);
    expect(() => codes(orders)).toThrow(/ZS-LAMBDA-QUEUE-REDIS|Redis/);
    expect(() => codes(referenceApp())).toThrow(/Redis/);
    // ZS-LAMBDA-DELIVERY: the nightly schedule (Lambda's 2 retries, 1 and 2 minutes apart), the Kafka
    // worker (AWS's retries until the records expire) and the api serving HTTP too (5xx fails an event).
    expect(codes(lambdaReferenceApp())).toEqual(["ZS-LAMBDA-ADAPTER", "ZS-LAMBDA-CONCURRENCY", "ZS-LAMBDA-DELIVERY", "ZS-LAMBDA-HTTP-IAM", "ZS-LAMBDA-HTTP-TIMEOUT", "ZS-LAMBDA-IDLE", "ZS-LAMBDA-INITIAL", "ZS-LAMBDA-METRIC", "ZS-LAMBDA-SECRET-ENV"]);
  });
});
