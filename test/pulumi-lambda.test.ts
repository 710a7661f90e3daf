// deploy(app, lambda()) under Pulumi mocks: resource types and counts, the scaling inputs, every
// trigger on the live alias, least-privilege IAM, secrets as secrets, images by digest.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import { deploy } from "zeroscale/pulumi";
import { lambda } from "zeroscale/providers/lambda";
import { mockRepoDigest } from "zeroscale/testing";

const BASE_DIR = new URL("./invalid/", import.meta.url).pathname; // holds src/index.js
const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop";
const MSK = "arn:aws:kafka:eu-west-1:123456789012:cluster/orders/0b2c4e6a-1111-2222-3333-444455556666-1";

interface Registered { type: string; name: string; inputs: Record<string, any> }
const registered: Registered[] = [];
const calls: string[] = [];
/** A secret input as the mock monitor sees it: { <sig>: <secret sig>, value }. */
const unsecret = (v: any): any => (v && typeof v === "object" && "value" in v && Object.keys(v).some((k) => k.length === 32) ? v.value : v);
const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const i = args.inputs;
        const state =
          args.type === "docker:index/image:Image" ? { ...i, repoDigest: mockRepoDigest(i["imageName"]) }
          : args.type === "aws:lambda/alias:Alias" ? { ...i, arn: `arn:aws:lambda:eu-west-1:123456789012:function:${i["functionName"]}:${i["name"]}`, invokeArn: `invoke:${i["functionName"]}:${i["name"]}` }
          : args.type === "aws:lambda/function:Function" ? { ...i, version: "1" }
          : args.type === "aws:apigatewayv2/api:Api" ? { ...i, apiEndpoint: "https://abc.execute-api.eu-west-1.amazonaws.com", executionArn: "arn:aws:execute-api:eu-west-1:123456789012:abc" }
          : i;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => {
        calls.push(args.token);
        return args.token.includes("getSecretVersion") ? { ...args.inputs, secretString: JSON.stringify({ url: "postgres://db" }) } : { ...args.inputs, userName: "AWS", password: "token" };
      },
    },
    "zeroscale-test",
    "dev",
  );
});

function shop(): App {
  const app = new App({ name: "shop", labels: { team: "commerce" } });
  const api = new ServerlessFunction(app, "api", { image: "registry.example.com/shop/api:1.0.0", timeout: "20s", concurrency: 1, secrets: { DB_URL: { secret: "shop-db", key: "url" } } });
  api.addTrigger("http", { http: { path: "/api", methods: ["GET", "POST"] } });
  api.addTrigger("nightly", { schedule: { cron: "0 3 * * 1-5", timezone: "Europe/Berlin", data: { task: "report" } } });
  api.addScalingPolicy({ minInstances: 1, maxInstances: 8, metric: { concurrency: 1 }, targetUtilizationPercent: 100 });
  const worker = new ServerlessFunction(app, "worker", { image: "registry.example.com/shop/worker:1.0.0", concurrency: 1 });
  worker.addTrigger("orders", { queue: { broker: "kafka", connection: "b-1.orders.kafka.eu-west-1.amazonaws.com:9092", name: "orders", consumerGroup: "workers", batchSize: 10 } });
  worker.addScalingPolicy({ maxInstances: 20, metric: { queueLength: 10 } });
  const web = new ServerlessFunction(app, "web", { code: { path: "src", handler: "index.js" }, timeout: "30s", concurrency: 1 });
  web.addTrigger("http", { http: { path: "/" } });
  web.addScalingPolicy({ maxInstances: 5, metric: { concurrency: 1 }, targetUtilizationPercent: 100, schedule: [{ start: "0 8 * * 1-5", end: "0 18 * * 1-5", timezone: "Europe/Berlin", minInstances: 2 }] });
  return app;
}

describe("deploy(app, lambda()) under Pulumi mocks", () => {
  it("registers the functions, aliases, triggers, scaling, IAM, secrets and images", async () => {
    const d = deploy(shop(), lambda({ region: "eu-west-1", registry: REGISTRY, kafkaClusters: { "shop/worker/orders": MSK }, createRepositories: true }), { baseDir: BASE_DIR, secrets: { "shop-db": { url: pulumi.secret("postgres://db") } } });
    await value(pulumi.all([...Object.values(d.resources), ...Object.values(d.images), d.app].map((r) => r.urn)));
    await value(pulumi.all(Object.values(d.urls)));

    const count = (type: string) => registered.filter((r) => r.type === type).length;
    expect(Object.fromEntries([...new Set(registered.map((r) => r.type))].sort().map((t) => [t, count(t)]))).toEqual({
      "aws:apigatewayv2/api:Api": 1,
      "aws:apigatewayv2/integration:Integration": 2,
      "aws:apigatewayv2/route:Route": 6,
      "aws:apigatewayv2/stage:Stage": 1,
      "aws:appautoscaling/scheduledAction:ScheduledAction": 2,
      "aws:appautoscaling/target:Target": 1,
      "aws:ecr/repository:Repository": 3,
      "aws:iam/role:Role": 4,
      "aws:iam/rolePolicy:RolePolicy": 2,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 3,
      "aws:lambda/alias:Alias": 3,
      "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
      "aws:lambda/function:Function": 3,
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 1,
      "aws:lambda/permission:Permission": 2,
      "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": 1,
      "aws:scheduler/schedule:Schedule": 1,
      "aws:secretsmanager/secret:Secret": 1,
      "aws:secretsmanager/secretVersion:SecretVersion": 1,
      "docker:index/image:Image": 3,
      "zeroscale:index:App": 1,
      "zeroscale:index:ServerlessFunction": 3,
    });

    const fn = (prefix: string) => registered.find((r) => r.type === "aws:lambda/function:Function" && r.name.startsWith(prefix)) as Registered;
    const image = (prefix: string) => registered.find((r) => r.type === "docker:index/image:Image" && r.name.startsWith(prefix)) as Registered;
    // Images by digest, pushed to ECR; the scaling inputs.
    expect(fn("shop-api-").inputs).toMatchObject({ packageType: "Image", imageUri: mockRepoDigest(image("shop-api-").inputs["imageName"]), memorySize: 256, timeout: 20, reservedConcurrentExecutions: 8, publish: true });
    expect(fn("shop-worker-").inputs["reservedConcurrentExecutions"]).toBe(20);
    expect(unsecret(unsecret(fn("shop-api-").inputs["environment"]).variables)).toMatchObject({ AWS_LWA_PORT: "8080", AWS_LWA_PASS_THROUGH_PATH: "/api", DB_URL: "postgres://db" });
    // A 5xx answer (any non-2xx without HTTP triggers) fails the invocation, so Lambda retries the event.
    expect(unsecret(unsecret(fn("shop-api-").inputs["environment"]).variables)["AWS_LWA_ERROR_STATUS_CODES"]).toBe("500-599");
    expect(unsecret(unsecret(fn("shop-worker-").inputs["environment"]).variables)["AWS_LWA_ERROR_STATUS_CODES"]).toBe("300-599");
    expect(unsecret(unsecret(fn("shop-web-").inputs["environment"]).variables)).not.toHaveProperty("AWS_LWA_ERROR_STATUS_CODES");
    expect(fn("shop-api-").inputs["tags"]).toMatchObject({ team: "commerce", "zeroscale.dev/owner": "shop/api" });
    expect(image("shop-api-").inputs["imageName"]).toMatch(/^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/shop\/shop-api:/);
    expect(readFileSync(image("shop-web-").inputs["build"].dockerfile, "utf8")).toContain("COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:0.9.1 /lambda-adapter /opt/extensions/lambda-adapter");
    expect(readFileSync(image("shop-api-").inputs["build"].dockerfile, "utf8")).toContain("FROM registry.example.com/shop/api:1.0.0");
    const pcc = registered.find((r) => r.type === "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig") as Registered;
    expect(pcc.inputs).toMatchObject({ qualifier: "live", provisionedConcurrentExecutions: 1 });
    expect(registered.find((r) => r.type === "aws:appautoscaling/target:Target")?.inputs).toMatchObject({ minCapacity: 0, maxCapacity: 5, scalableDimension: "lambda:function:ProvisionedConcurrency" });
    const actions = registered.filter((r) => r.type === "aws:appautoscaling/scheduledAction:ScheduledAction").map((r) => [r.inputs["schedule"], r.inputs["timezone"], r.inputs["scalableTargetAction"].minCapacity]);
    expect(actions).toEqual([["cron(0 8 ? * 2,3,4,5,6 *)", "Europe/Berlin", 2], ["cron(0 18 ? * 2,3,4,5,6 *)", "Europe/Berlin", 0]]);

    // Every trigger on the live alias (never $LATEST).
    const apiAlias = `arn:aws:lambda:eu-west-1:123456789012:function:${fn("shop-api-").inputs["name"]}:live`;
    const schedule = registered.find((r) => r.type === "aws:scheduler/schedule:Schedule") as Registered;
    expect(schedule.inputs).toMatchObject({ scheduleExpression: "cron(0 3 ? * 2,3,4,5,6 *)", scheduleExpressionTimezone: "Europe/Berlin", flexibleTimeWindow: { mode: "OFF" }, target: { arn: apiAlias } });
    expect(JSON.parse(schedule.inputs["target"].input)).toMatchObject({ type: "dev.zeroscale.schedule", source: "/zeroscale/shop/api/nightly", id: "shop/api/nightly@<aws.scheduler.scheduled-time>", data: { task: "report" } });
    // The default delivery: 3 retries of delivering to Lambda, and Lambda's own 2 retries of a function error.
    expect(schedule.inputs["target"].retryPolicy).toEqual({ maximumRetryAttempts: 3, maximumEventAgeInSeconds: 86400 });
    const async = registered.find((r) => r.type === "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig") as Registered;
    expect(async.inputs).toEqual({ functionName: fn("shop-api-").inputs["name"], qualifier: "live", maximumRetryAttempts: 2 });
    const esm = registered.find((r) => r.type === "aws:lambda/eventSourceMapping:EventSourceMapping") as Registered;
    expect(esm.inputs).toMatchObject({ eventSourceArn: MSK, topics: ["orders"], batchSize: 10, amazonManagedKafkaEventSourceConfig: { consumerGroupId: "workers" } });
    expect(esm.inputs["functionName"]).toMatch(/:live$/);
    expect(registered.filter((r) => r.type === "aws:apigatewayv2/integration:Integration").map((r) => r.inputs["integrationUri"])).toEqual(expect.arrayContaining([expect.stringMatching(/:live$/)]));
    expect(registered.filter((r) => r.type === "aws:lambda/permission:Permission").every((r) => r.inputs["qualifier"] === "live" && r.inputs["principal"] === "apigateway.amazonaws.com")).toBe(true);
    expect(registered.filter((r) => r.type === "aws:apigatewayv2/route:Route").map((r) => r.inputs["routeKey"]).sort()).toEqual(["ANY /", "ANY /{proxy+}", "GET /api", "GET /api/{proxy+}", "POST /api", "POST /api/{proxy+}"]);
    expect(new Set(registered.filter((r) => r.type === "aws:apigatewayv2/route:Route").map((r) => r.inputs["authorizationType"]))).toEqual(new Set(["AWS_IAM"]));
    expect(await value(d.urls["shop/api/http"]!)).toBe("https://abc.execute-api.eu-west-1.amazonaws.com/api");

    // IAM: the basic execution policy, the MSK statements on that cluster only, the Scheduler's invoke on that one alias.
    expect(registered.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").every((r) => r.inputs["policyArn"] === "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")).toBe(true);
    const policies = registered.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").map((r) => JSON.parse(r.inputs["policy"]).Statement);
    expect(policies).toContainEqual([{ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [apiAlias] }]);
    expect(policies.flat()).toContainEqual({ Effect: "Allow", Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], Resource: [MSK] });

    // Secrets: created from Pulumi secrets only, read into the environment as secrets.
    expect(registered.find((r) => r.type === "aws:secretsmanager/secret:Secret")?.inputs["name"]).toBe("shop-db");
    const version = registered.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion") as Registered;
    expect(JSON.parse(unsecret(version.inputs["secretString"]))).toEqual({ url: "postgres://db" });
    expect(calls).toContain("aws:secretsmanager/getSecretVersion:getSecretVersion");
    const apiFn = d.resources[`Function/${fn("shop-api-").inputs["name"]}`] as unknown as { environment: pulumi.Output<unknown> };
    expect(await (apiFn.environment as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
  });

  it("functionUrl front: allowUnauthenticated: a public Function URL (NONE) and its permissions on the live alias; an ECR image runs as is (no build)", async () => {
    const app = new App({ name: "u" });
    const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/u/fn:1.0.0", concurrency: 1 });
    fn.addTrigger("http", { http: { path: "/" } });
    fn.addScalingPolicy({ minInstances: 0, maxInstances: 3, metric: { concurrency: 1 }, targetUtilizationPercent: 100 });
    const before = registered.length;
    const d = deploy(app, lambda({ http: "functionUrl", allowUnauthenticated: true }));
    await value(pulumi.all([...Object.values(d.resources), d.app].map((r) => r.urn)));
    const mine = registered.slice(before);
    expect(mine.map((r) => r.type).sort()).toEqual([
      "aws:iam/role:Role",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "aws:lambda/alias:Alias",
      "aws:lambda/function:Function",
      "aws:lambda/functionUrl:FunctionUrl",
      "aws:lambda/permission:Permission",
      "aws:lambda/permission:Permission",
      "zeroscale:index:App",
      "zeroscale:index:ServerlessFunction",
    ]);
    expect(mine.find((r) => r.type === "aws:lambda/function:Function")?.inputs).toMatchObject({ imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/u/fn:1.0.0", reservedConcurrentExecutions: 3 });
    expect(mine.find((r) => r.type === "aws:lambda/functionUrl:FunctionUrl")?.inputs).toMatchObject({ qualifier: "live", authorizationType: "NONE" });
    expect(mine.filter((r) => r.type === "aws:lambda/permission:Permission").map((r) => [r.inputs["action"], r.inputs["qualifier"]]).sort()).toEqual([["lambda:InvokeFunction", "live"], ["lambda:InvokeFunctionUrl", "live"]]);
  });
  it("functionUrl front, private by default: an AWS_IAM Function URL on the live alias and no `*` permission; no reserved concurrency with reserveConcurrency: false", async () => {
    const app = new App({ name: "v" });
    const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/v/fn:1.0.0", concurrency: 1 });
    fn.addTrigger("http", { http: { path: "/" } });
    fn.addScalingPolicy({ minInstances: 0, maxInstances: 3, metric: { concurrency: 1 }, targetUtilizationPercent: 100 });
    const before = registered.length;
    const d = deploy(app, lambda({ http: "functionUrl", reserveConcurrency: false }));
    await value(pulumi.all([...Object.values(d.resources), d.app].map((r) => r.urn)));
    const mine = registered.slice(before);
    expect(mine.map((r) => r.type).sort()).toEqual([
      "aws:iam/role:Role",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "aws:lambda/alias:Alias",
      "aws:lambda/function:Function",
      "aws:lambda/functionUrl:FunctionUrl",
      "zeroscale:index:App",
      "zeroscale:index:ServerlessFunction",
    ]);
    expect(mine.find((r) => r.type === "aws:lambda/function:Function")?.inputs).toMatchObject({ imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/v/fn:1.0.0" });
    expect(mine.find((r) => r.type === "aws:lambda/function:Function")?.inputs).not.toHaveProperty("reservedConcurrentExecutions");
    expect(mine.find((r) => r.type === "aws:lambda/functionUrl:FunctionUrl")?.inputs).toMatchObject({ qualifier: "live", authorizationType: "AWS_IAM" });
  });

  it("a schedule's dead-letter function is the alias's on-failure destination, which its role may invoke (nothing else)", async () => {
    const app = new App({ name: "dl" });
    const failed = new ServerlessFunction(app, "failed", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/dl/failed:1.0.0", concurrency: 1 });
    const job = new ServerlessFunction(app, "job", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/dl/job:1.0.0", concurrency: 1 });
    job.addTrigger("nightly", { schedule: { cron: "0 3 * * *" }, delivery: { retries: 1, deadLetter: failed } });
    const before = registered.length;
    const d = deploy(app, lambda());
    await value(pulumi.all([...Object.values(d.resources), d.app].map((r) => r.urn)));
    const mine = registered.slice(before);
    const fnName = (id: string) => mine.find((r) => r.type === "aws:lambda/function:Function" && r.name.startsWith(`dl-${id}-`))?.inputs["name"] as string;
    const failedAlias = `arn:aws:lambda:eu-west-1:123456789012:function:${fnName("failed")}:live`;
    const async = mine.filter((r) => r.type === "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
    expect(async.map((r) => r.inputs)).toEqual([{ functionName: fnName("job"), qualifier: "live", maximumRetryAttempts: 1, destinationConfig: { onFailure: { destination: failedAlias } } }]);
    const grant = mine.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.endsWith("-dead-letter")) as Registered;
    expect(JSON.parse(grant.inputs["policy"]).Statement).toEqual([{ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [failedAlias] }]);
    expect(grant.inputs["role"]).toMatch(/^dl-job-[0-9a-f]{8}-exec-id$/);
    expect((mine.find((r) => r.type === "aws:scheduler/schedule:Schedule") as Registered).inputs["target"].retryPolicy).toEqual({ maximumRetryAttempts: 1, maximumEventAgeInSeconds: 86400 });
  });

  it("allowUnauthenticated: API Gateway routes with authorizationType NONE", async () => {
    const app = new App({ name: "g" });
    const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/g/fn:1.0.0", concurrency: 1 });
    fn.addTrigger("http", { http: { path: "/" } });
    const before = registered.length;
    const d = deploy(app, lambda({ allowUnauthenticated: true }));
    await value(pulumi.all([...Object.values(d.resources), d.app].map((r) => r.urn)));
    const routes = registered.slice(before).filter((r) => r.type === "aws:apigatewayv2/route:Route");
    expect(routes.map((r) => [r.inputs["routeKey"], r.inputs["authorizationType"]]).sort()).toEqual([["ANY /", "NONE"], ["ANY /{proxy+}", "NONE"]]);
  });
});
