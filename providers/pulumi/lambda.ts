// The lambda realiser: registers a LambdaPlan with @pulumi/aws (loaded by submodule, only here) and
// @pulumi/docker (only when the plan has builds). Every trigger, URL and provisioned concurrency
// targets the function's published `live` alias, never $LATEST.
import { writeFileSync } from "node:fs";
import type * as docker from "@pulumi/docker";
import type * as P from "@pulumi/pulumi";
import { lambdaCodeDockerfile, lambdaWrapDockerfile } from "../images/lambda-dockerfile.js";
import { type StagedBuild, stageBuild, userStageRoot } from "../images/stage.js";
import type { ImageBuild } from "../images/spec.js";
import type { LambdaBuild, LambdaFunctionPlan, LambdaPlan, LambdaQueue } from "../lambda/plan.js";
import { ZeroscaleComponent } from "./component.js";
import { pushImage, registryServer } from "./images.js";
import { loadSdk } from "./sdk.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const pulumi = loadSdk("@pulumi/pulumi", "zeroscale/pulumi");

/** Options of the lambda realiser (deploy()'s third argument). */
export interface LambdaDeployOptions {
  /**
   * Secret values to create as Secrets Manager secrets, from Pulumi secrets:
   * `{ "shop-db": { url: config.requireSecret("dbUrl") } }` creates the secret "shop-db" holding
   * `{"url": ...}`. Stores not listed here must already exist (a JSON secret of that name).
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, P.Input<string>>>>>;
  /** The folder `code.path` and `build.context` are relative to. @default process.cwd() */
  readonly baseDir?: string;
  /** The AWS provider to use. @default the ambient provider */
  readonly provider?: P.ProviderResource;
  /** Parent of the app's component. @default none */
  readonly parent?: P.Resource;
  /** Credentials for pushing to the ECR registry. @default a token from ecr.getAuthorizationToken */
  readonly registryAuth?: { readonly username: P.Input<string>; readonly password: P.Input<string> };
}

/** What the lambda realiser registered. */
export interface LambdaDeployed {
  /** The app's component (`zeroscale:index:App`). */
  readonly app: ZeroscaleComponent;
  /** One component per function, by function id. */
  readonly functions: Readonly<Record<string, ZeroscaleComponent>>;
  /** Every AWS resource, by "<type>/<name>" (as the plan's resources name them). */
  readonly resources: Readonly<Record<string, P.CustomResource>>;
  /** Secrets Manager secrets created from `options.secrets`, by store name. */
  readonly secrets: Readonly<Record<string, P.CustomResource>>;
  /** The image built and pushed for each of `plan.builds`, by function id: functions run its repoDigest. */
  readonly images: Readonly<Record<string, docker.Image>>;
  /** URL of every HTTP trigger, by trigger id. */
  readonly urls: Readonly<Record<string, P.Output<string>>>;
  readonly plan: LambdaPlan;
}

const ASSUME = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
/** The secret id to read each created store by: its version's, so the read waits for the value. */
const readable = new WeakMap<P.CustomResource, P.Output<string>>();

export function realiseLambdaPlan(plan: LambdaPlan, options: LambdaDeployOptions = {}): LambdaDeployed {
  const lambda = loadSdk("@pulumi/aws/lambda/index.js", "deploy() with lambda()");
  const iam = loadSdk("@pulumi/aws/iam/index.js", "deploy() with lambda()");
  const app = new ZeroscaleComponent("zeroscale:index:App", plan.app, options.parent ? { parent: options.parent } : {});
  const base: P.CustomResourceOptions = options.provider ? { provider: options.provider } : {};
  const resources: Record<string, P.CustomResource> = {};
  const functions: Record<string, ZeroscaleComponent> = {};
  const images: Record<string, docker.Image> = {};
  const urls: Record<string, P.Output<string>> = {};
  const add = <R extends P.CustomResource>(key: string, r: R): R => ((resources[key] = r), r);

  const aliases = new Map<string, { alias: Alias; role: P.CustomResource & { id: P.Output<string> }; fn: Fn; opts: P.CustomResourceOptions }>();
  const secrets = createSecrets(plan, options, base, app);
  const builder = plan.builds.length > 0 ? imageBuilder(plan, options, base) : undefined;
  const api = plan.api ? httpApi(plan.api.name, base, app, add) : undefined;

  for (const f of plan.functions) {
    const fc = (functions[f.id] = new ZeroscaleComponent("zeroscale:index:ServerlessFunction", f.name, { parent: app }));
    const opts: P.CustomResourceOptions = { ...base, parent: fc };
    const build = plan.builds.find((b) => b.fn === f.id);
    const image = build && builder ? (images[f.id] = builder(build, f.name, fc)) : undefined;

    // The execution role: AWSLambdaBasicExecutionRole, plus exactly what its event sources need.
    const role = add(`Role/${f.role.name}`, new iam.Role(f.role.name, { name: f.role.name, assumeRolePolicy: ASSUME("lambda.amazonaws.com"), tags: { ...f.tags } }, opts));
    new iam.RolePolicyAttachment(`${f.role.name}-basic`, { role: role.name, policyArn: BASIC }, opts);
    if (f.role.statements.length > 0) {
      new iam.RolePolicy(`${f.role.name}-triggers`, { role: role.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: f.role.statements.map((s) => ({ Effect: "Allow", Action: [...s.actions], Resource: [...s.resources] })) }) }, opts);
    }

    const fn = add(
      `Function/${f.name}`,
      new lambda.Function(
        f.name,
        {
          name: f.name,
          packageType: "Image",
          imageUri: image ? image.repoDigest : f.image,
          role: role.arn,
          memorySize: f.memoryMb,
          timeout: f.timeoutSeconds,
          ...(f.reservedConcurrency !== null ? { reservedConcurrentExecutions: f.reservedConcurrency } : {}),
          publish: true, // a new version per change: the alias (and its provisioned concurrency) follows it
          environment: { variables: environment(f, secrets) },
          ...(f.entryPoint || f.command ? { imageConfig: { ...(f.entryPoint ? { entryPoints: [...f.entryPoint] } : {}), ...(f.command ? { commands: [...f.command] } : {}) } } : {}),
          tags: { ...f.tags },
        },
        { ...opts, dependsOn: [...Object.values(secrets)] },
      ),
    );
    const alias = add(`Alias/${f.name}:live`, new lambda.Alias(`${f.name}-live`, { name: f.alias, functionName: fn.name, functionVersion: fn.version }, opts));
    realiseScaling(f, fn, alias, opts, add);
    realiseTriggers(plan, f, fn, alias, api, opts, add, urls);
    aliases.set(f.id, { alias, role, fn, opts });
    fc.complete({ arn: alias.arn });
  }
  // After every alias exists: a schedule's dead letter is another function's alias.
  for (const f of plan.functions) if (f.asyncInvoke) realiseAsyncInvoke(f, f.asyncInvoke, aliases, add);
  app.complete({});
  return { app, functions, resources, secrets, images, urls, plan };
}

type Add = <R extends P.CustomResource>(key: string, r: R) => R;

/**
 * The alias's asynchronous invocation config (EventBridge Scheduler invokes asynchronously): Lambda's
 * retries of a function error and, as the on-failure destination, the dead-letter function's alias,
 * which the execution role may invoke (nothing else).
 */
function realiseAsyncInvoke(f: LambdaFunctionPlan, config: NonNullable<LambdaFunctionPlan["asyncInvoke"]>, aliases: ReadonlyMap<string, { alias: Alias; role: P.CustomResource & { id: P.Output<string> }; fn: Fn; opts: P.CustomResourceOptions }>, add: Add): void {
  const lambda = loadSdk("@pulumi/aws/lambda/index.js", "deploy() with lambda()");
  const own = aliases.get(f.id);
  if (!own) return;
  const target = config.onFailure === null ? undefined : aliases.get(config.onFailure)?.alias;
  const grant: P.Resource[] = [];
  if (target) {
    const iam = loadSdk("@pulumi/aws/iam/index.js", "deploy() with lambda()");
    grant.push(new iam.RolePolicy(`${f.role.name}-dead-letter`, { role: own.role.id, policy: target.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [arn] }] })) }, own.opts));
  }
  add(
    `EventInvokeConfig/${f.name}:live`,
    new lambda.FunctionEventInvokeConfig(`${f.name}-async`, { functionName: own.fn.name, qualifier: own.alias.name, maximumRetryAttempts: config.maximumRetryAttempts, ...(target ? { destinationConfig: { onFailure: { destination: target.arn } } } : {}) }, { ...own.opts, dependsOn: grant }),
  );
}
type Fn = InstanceType<(typeof import("@pulumi/aws/lambda/index.js"))["Function"]>;
type Alias = InstanceType<(typeof import("@pulumi/aws/lambda/index.js"))["Alias"]>;

/** Plain variables, and each secret's value read from Secrets Manager at deploy (kept secret in state). */
function environment(f: LambdaFunctionPlan, created: Record<string, P.CustomResource>): P.Input<Record<string, P.Input<string>>> {
  const vars: Record<string, P.Input<string>> = { ...f.env };
  const entries = Object.entries(f.secretEnv);
  if (entries.length === 0) return vars;
  const sm = loadSdk("@pulumi/aws/secretsmanager/index.js", "deploy() with lambda() secrets");
  for (const [name, ref] of entries) {
    const store = created[ref.secret];
    const version = sm.getSecretVersionOutput({ secretId: (store && readable.get(store)) ?? ref.secret });
    vars[name] = pulumi.secret(version.apply((v) => String((JSON.parse(v.secretString ?? "{}") as Record<string, unknown>)[ref.key] ?? "")));
  }
  return vars;
}

function createSecrets(plan: LambdaPlan, options: LambdaDeployOptions, base: P.CustomResourceOptions, app: ZeroscaleComponent): Record<string, P.CustomResource> {
  const out: Record<string, P.CustomResource> = {};
  const stores = Object.keys(options.secrets ?? {}).sort();
  if (stores.length === 0) return out;
  const sm = loadSdk("@pulumi/aws/secretsmanager/index.js", "deploy() with lambda() secrets");
  for (const store of stores) {
    const values = (options.secrets ?? {})[store] ?? {};
    const secret = new sm.Secret(store, { name: store, tags: { "app.kubernetes.io/part-of": plan.app, "app.kubernetes.io/managed-by": "zeroscale" } }, { ...base, parent: app });
    const keys = Object.keys(values).sort();
    const version = new sm.SecretVersion(`${store}-version`, { secretId: secret.id, secretString: pulumi.secret(pulumi.all(keys.map((k) => values[k] as P.Input<string>)).apply((vs) => JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, vs[i]]))))) }, { ...base, parent: secret });
    out[store] = secret;
    readable.set(secret, version.secretId); // read after the value is written
  }
  return out;
}

/** Provisioned concurrency (minInstances) on the alias, or Application Auto Scaling with a scheduled action per baseline edge. */
function realiseScaling(f: LambdaFunctionPlan, fn: Fn, alias: Alias, opts: P.CustomResourceOptions, add: Add): void {
  const lambda = loadSdk("@pulumi/aws/lambda/index.js", "deploy() with lambda()");
  if (f.baselines.length === 0) {
    if (f.provisionedConcurrency !== null) {
      add(`ProvisionedConcurrencyConfig/${f.name}:live`, new lambda.ProvisionedConcurrencyConfig(`${f.name}-provisioned`, { functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: f.provisionedConcurrency }, opts));
    }
    return;
  }
  const aas = loadSdk("@pulumi/aws/appautoscaling/index.js", "deploy() with lambda() schedule baselines");
  const dims = { resourceId: pulumi.interpolate`function:${fn.name}:${alias.name}`, scalableDimension: "lambda:function:ProvisionedConcurrency", serviceNamespace: "lambda" };
  const target = add(`ScalableTarget/${f.name}:live`, new aas.Target(`${f.name}-scaling`, { ...dims, minCapacity: f.provisionedConcurrency ?? 0, maxCapacity: f.effective.maxInstances }, opts));
  for (const b of f.baselines) {
    for (const [edge, schedule, min] of [["start", b.start, b.minCapacity], ["end", b.end, f.provisionedConcurrency ?? 0]] as const) {
      add(
        `ScheduledAction/${b.name}-${edge}`,
        new aas.ScheduledAction(`${b.name}-${edge}`, { name: `${b.name}-${edge}`, ...dims, resourceId: target.resourceId, schedule, timezone: b.timezone, scalableTargetAction: { minCapacity: min, maxCapacity: f.effective.maxInstances } }, { ...opts, dependsOn: [target] }),
      );
    }
  }
}

interface Api {
  readonly api: P.CustomResource & { id: P.Output<string>; apiEndpoint: P.Output<string>; executionArn: P.Output<string> };
}

function httpApi(name: string, base: P.CustomResourceOptions, app: ZeroscaleComponent, add: Add): Api {
  const gw = loadSdk("@pulumi/aws/apigatewayv2/index.js", "deploy() with lambda() HTTP triggers");
  const api = add(`Api/${name}`, new gw.Api(name, { name, protocolType: "HTTP" }, { ...base, parent: app }));
  add(`Stage/${name}`, new gw.Stage(`${name}-default`, { apiId: api.id, name: "$default", autoDeploy: true }, { ...base, parent: api }));
  return { api };
}

function realiseTriggers(plan: LambdaPlan, f: LambdaFunctionPlan, fn: Fn, alias: Alias, api: Api | undefined, opts: P.CustomResourceOptions, add: Add, urls: Record<string, P.Output<string>>): void {
  const lambda = loadSdk("@pulumi/aws/lambda/index.js", "deploy() with lambda()");
  const http = Object.entries(f.http);
  if (http.length > 0 && plan.httpFront === "functionUrl") {
    const url = add(`FunctionUrl/${f.name}:live`, new lambda.FunctionUrl(`${f.name}-url`, { functionName: fn.name, qualifier: alias.name, authorizationType: plan.allowUnauthenticated ? "NONE" : "AWS_IAM" }, opts));
    if (plan.allowUnauthenticated) {
      add(`Permission/${f.name}-url`, new lambda.Permission(`${f.name}-url`, { action: "lambda:InvokeFunctionUrl", function: fn.name, qualifier: alias.name, principal: "*", functionUrlAuthType: "NONE" }, opts));
      // Function URLs created since October 2025 need lambda:InvokeFunction (via the URL) as well.
      add(`Permission/${f.name}-url-invoke`, new lambda.Permission(`${f.name}-url-invoke`, { action: "lambda:InvokeFunction", function: fn.name, qualifier: alias.name, principal: "*", invokedViaFunctionUrl: true }, opts));
    }
    // AWS_IAM: no resource policy; callers' own IAM policies grant lambda:InvokeFunctionUrl (SigV4-signed requests).
    for (const [id] of http) urls[id] = url.functionUrl;
  } else if (http.length > 0 && api) {
    const gw = loadSdk("@pulumi/aws/apigatewayv2/index.js", "deploy() with lambda() HTTP triggers");
    const integration = add(`Integration/${f.name}`, new gw.Integration(f.name, { apiId: api.api.id, integrationType: "AWS_PROXY", integrationUri: alias.invokeArn, payloadFormatVersion: "2.0", timeoutMilliseconds: Math.min(30, f.timeoutSeconds) * 1000 }, opts));
    add(`Permission/${f.name}-api`, new lambda.Permission(`${f.name}-api`, { action: "lambda:InvokeFunction", function: fn.name, qualifier: alias.name, principal: "apigateway.amazonaws.com", sourceArn: pulumi.interpolate`${api.api.executionArn}/*/*` }, opts));
    for (const [id, routes] of http) {
      for (const routeKey of routes) add(`Route/${routeKey}`, new gw.Route(`${f.name}-${routeKey.replace(/[^A-Za-z0-9]+/g, "-")}`, { apiId: api.api.id, routeKey, target: pulumi.interpolate`integrations/${integration.id}`, authorizationType: plan.allowUnauthenticated ? "NONE" : "AWS_IAM" }, opts));
      const path = (routes[0] as string).split(" ")[1] as string;
      urls[id] = pulumi.interpolate`${api.api.apiEndpoint}${path === "/" ? "/" : path}`;
    }
  }
  if (f.schedules.length > 0) {
    const iam = loadSdk("@pulumi/aws/iam/index.js", "deploy() with lambda()");
    const scheduler = loadSdk("@pulumi/aws/scheduler/index.js", "deploy() with lambda() schedules");
    for (const s of f.schedules) {
      // The Scheduler's own role: lambda:InvokeFunction on this one alias, nothing else.
      const role = add(`Role/${s.name}-scheduler`, new iam.Role(`${s.name}-scheduler`, { assumeRolePolicy: ASSUME("scheduler.amazonaws.com"), tags: { ...f.tags } }, opts));
      new iam.RolePolicy(`${s.name}-scheduler`, { role: role.id, policy: alias.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [arn] }] })) }, opts);
      add(`Schedule/${s.name}`, new scheduler.Schedule(s.name, { name: s.name, scheduleExpression: s.expression, scheduleExpressionTimezone: s.timezone, flexibleTimeWindow: { mode: "OFF" }, target: { arn: alias.arn, roleArn: role.arn, input: s.input, retryPolicy: { ...s.retryPolicy } } }, opts));
    }
  }
  for (const q of f.queues) add(`EventSourceMapping/${q.trigger.split("/").join("-")}`, eventSource(q, alias, opts));
}

function eventSource(q: LambdaQueue, alias: Alias, opts: P.CustomResourceOptions): P.CustomResource {
  const lambda = loadSdk("@pulumi/aws/lambda/index.js", "deploy() with lambda()");
  const name = q.trigger.split("/").join("-");
  const common = { functionName: alias.arn, batchSize: q.batchSize };
  switch (q.kind) {
    case "msk":
      return new lambda.EventSourceMapping(name, { ...common, eventSourceArn: q.clusterArn, topics: [q.topic], startingPosition: "LATEST", amazonManagedKafkaEventSourceConfig: { consumerGroupId: q.consumerGroup } }, opts);
    case "kafka":
      return new lambda.EventSourceMapping(name, { ...common, topics: [q.topic], startingPosition: "LATEST", selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: q.bootstrapServers } }, selfManagedKafkaEventSourceConfig: { consumerGroupId: q.consumerGroup } }, opts);
    case "amazonMq":
      return new lambda.EventSourceMapping(name, { ...common, eventSourceArn: q.brokerArn, queues: q.queue, sourceAccessConfigurations: [{ type: "BASIC_AUTH", uri: q.credentialsSecretArn }, { type: "VIRTUAL_HOST", uri: q.virtualHost }] }, opts);
  }
}

/** Builds and pushes each LambdaBuild to ECR (an ecr.Repository first when the plan says so); the function runs its repoDigest. */
function imageBuilder(plan: LambdaPlan, options: LambdaDeployOptions, base: P.CustomResourceOptions): (build: LambdaBuild, name: string, parent: P.Resource) => docker.Image {
  const ecr = loadSdk("@pulumi/aws/ecr/index.js", "deploy() with lambda() and a registry");
  const baseDir = options.baseDir ?? process.cwd();
  const stageRoot = userStageRoot(plan.app);
  return (build, name, parent) => {
    const host = registryServer(build.repository);
    const token = options.registryAuth ?? ecr.getAuthorizationTokenOutput({ registryId: host.split(".")[0] as string }, { parent });
    const auth = options.registryAuth ?? { username: (token as P.Output<{ userName: string }>).apply((t) => t.userName), password: (token as P.Output<{ password: string }>).apply((t) => t.password) };
    const repo = plan.createRepositories
      ? new ecr.Repository(`${name}-repository`, { name: build.repository.slice(host.length + 1), imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, forceDelete: false }, { ...base, parent })
      : undefined;
    // Lambda runs linux/amd64 images (the default architecture) only.
    return pushImage(name, build.repository, stage(build, baseDir, stageRoot), parent, { auth, platform: "linux/amd64", dependsOn: repo ? [repo] : [] });
  };
}

/** The build context: zeroscale's staging, with the Lambda Dockerfile for code functions, or a context holding only the wrap Dockerfile. */
function stage(build: LambdaBuild, baseDir: string, stageRoot: string): StagedBuild {
  const src = build.source;
  if (src.type === "wrap") {
    const context = join(stageRoot, `${build.fn.split("/").join("-")}-lambda`);
    mkdirSync(context, { recursive: true });
    const dockerfile = join(context, "Dockerfile");
    writeFileSync(dockerfile, lambdaWrapDockerfile(src.image));
    return { context, dockerfile, args: {}, skip: [] };
  }
  const staged = stageBuild({ fn: build.fn, repository: build.repository, source: src } as ImageBuild, baseDir, stageRoot);
  if (src.type === "code") writeFileSync(staged.dockerfile, lambdaCodeDockerfile(src));
  return staged;
}
