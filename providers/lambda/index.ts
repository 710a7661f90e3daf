import { LAMBDA_DEFAULTS } from "../../lib/engines/lambda/defaults.js";
import { lambdaScheduleRetry } from "../../lib/engines/lambda/delivery.js";
import { lambdaEngine, lambdaUnreserved } from "../../lib/engines/lambda/model.js";
import { effectiveDelivery } from "../../lib/events/models.js";
import { toAwsCron } from "../../lib/engines/lambda/cron.js";
import {
  applySuppressions,
  type ArtifactFile,
  assertNever,
  type Backend,
  BackendError,
  type DeploymentGraph,
  Diagnostics,
  type FunctionNode,
  type NodeHandlers,
  type PlanView,
  type TriggerNode,
  visitGraph,
} from "../../lib/index.js";
import type { ImageOptions } from "../kubernetes/pod.js";
import { DEFAULT_CODE_BASE_IMAGE } from "../images/spec.js";
import { LAMBDA_CAPABILITIES } from "./capabilities.js";
import { checkFunction, checkRegistry, type LambdaImageSettings, lambdaEnv, lambdaImage, memoryMb } from "./function.js";
import type { LambdaAsyncInvoke, LambdaBuild, LambdaFunctionPlan, LambdaHttpFront, LambdaPlan, LambdaQueue, LambdaSchedule, LambdaStatement } from "./plan.js";
import { viewLambdaPlan } from "./plan.js";
import { type AmazonMqSource, httpTrigger, type LambdaTriggerSettings, queueTrigger, scheduleTrigger } from "./triggers.js";

/** Options of the {@link lambda} backend. */
export interface LambdaOptions extends Pick<ImageOptions, "images" | "baseImage"> {
  /** The AWS region the functions run in, e.g. "eu-west-1"; the registry must be in it. @default the AWS provider's region */
  readonly region?: string;
  /**
   * The Amazon ECR registry build/code functions are pushed to, `<account>.dkr.ecr.<region>.amazonaws.com/<path>`,
   * each as `<registry>/<app>-<function>`. With it, image functions are copied there too with the
   * Lambda Web Adapter added (Lambda runs ECR images only). deploy() builds and pushes them.
   * @default none (image functions must then be ECR images; build/code functions must be in `images`)
   */
  readonly registry?: string;
  /** Create an ECR repository (aws.ecr.Repository, scan on push, immutable tags) for each build under `registry`. @default false (they must exist) */
  readonly createRepositories?: boolean;
  /** The HTTP front: one API Gateway HTTP API per app (routes by method and path) or a Function URL per function (no routing, 15 min requests). Both target the live alias. @default "apiGateway" */
  readonly http?: LambdaHttpFront;
  /** Kafka queue triggers read from Amazon MSK, by trigger id: the cluster ARN. Others are self-managed Kafka (their bootstrap servers). @default {} */
  readonly kafkaClusters?: Readonly<Record<string, string>>;
  /** RabbitMQ queue triggers, by trigger id: the Amazon MQ broker they read (Lambda reads RabbitMQ from Amazon MQ only). @default {} */
  readonly amazonMq?: Readonly<Record<string, AmazonMqSource>>;
  /**
   * Let anyone on the internet invoke the functions that have an HTTP trigger: the Function URL's
   * authorizationType "NONE" with a `*` invoke permission, API Gateway routes with no authorizer.
   * Otherwise both use "AWS_IAM": callers sign their requests (SigV4) with credentials allowed to invoke.
   * @default false
   */
  readonly allowUnauthenticated?: boolean;
  /**
   * Reserve maxInstances as each function's reservedConcurrentExecutions (the enforced cap). AWS keeps
   * at least 100 executions of the account's concurrency quota (1,000 by default, often 10 on new
   * accounts) unreserved, so a deploy fails ("UnreservedConcurrentExecution below its minimum") when
   * the reservations leave less. With false, none is set: a function scales up to the account's
   * unreserved pool, and maxInstances is not enforced (ZS-LAMBDA-UNRESERVED).
   * @default true
   */
  readonly reserveConcurrency?: boolean;
}

/** The AWS Lambda backend: container-image functions on a live alias, with API Gateway, EventBridge Scheduler and event source mappings. */
export interface LambdaBackend extends Backend<LambdaPlan> {
  readonly name: "lambda";
  readonly target: "lambda";
  readonly options: LambdaOptions;
}

type MutablePlan = { -readonly [K in keyof LambdaFunctionPlan]: LambdaFunctionPlan[K] } & { resources: string[]; triggers: string[]; schedules: LambdaSchedule[]; queues: LambdaQueue[]; http: Record<string, readonly string[]>; role: { name: string; statements: LambdaStatement[] }; asyncInvoke: LambdaAsyncInvoke | null };

interface Ctx {
  readonly d: Diagnostics;
  readonly fns: Map<string, MutablePlan>;
  readonly nodes: Map<string, FunctionNode>;
  readonly triggers: Map<string, TriggerNode[]>;
  readonly builds: LambdaBuild[];
  readonly app: DeploymentGraph["app"];
  readonly iamWarned: Set<string>;
  registryOk: boolean;
}


/** Compile zeroscale apps to AWS Lambda container-image functions. */
export function lambda(options: LambdaOptions = {}): LambdaBackend {
  const front: LambdaHttpFront = options.http ?? "apiGateway";
  const images: LambdaImageSettings = { registry: options.registry, region: options.region, images: options.images ?? {}, baseImage: options.baseImage ?? DEFAULT_CODE_BASE_IMAGE };
  const allowUnauthenticated = options.allowUnauthenticated ?? false;
  const reserve = options.reserveConcurrency ?? true;
  const settings: LambdaTriggerSettings = { httpFront: front, kafkaClusters: options.kafkaClusters ?? {}, amazonMq: options.amazonMq ?? {} };

  const handlers: NodeHandlers<Ctx> = {
    function(fn, ctx) {
      const { d } = ctx;
      checkFunction(d, fn);
      const mb = memoryMb(d, fn);
      const img = lambdaImage(d, fn, images, ctx.registryOk);
      const ts = ctx.triggers.get(fn.id) ?? [];
      const http = ts.flatMap((t) => (t.source.type === "http" ? [t.source.path] : []));
      const events = ts.filter((t) => t.source.type !== "http");
      const env = lambdaEnv(d, fn, http[0] ?? "/", events.length === 0 ? null : http.length === 0 ? ALL_FAILURES : SERVER_FAILURES);
      if (events.length > 0 && http.length > 0) {
        d.warn("ZS-LAMBDA-DELIVERY", fn.id, "triggers", events.map((t) => t.id), `fail an attempt only on a 5xx answer: ${fn.id} also serves HTTP, and the Lambda Web Adapter's AWS_LWA_ERROR_STATUS_CODES (${SERVER_FAILURES}) applies to both, so a 3xx or 4xx answer to an event counts as delivered (and an HTTP 5xx reaches its client as the front's own error)`, "answer 5xx to an event that should be retried, or move the schedule and queue triggers to a function without HTTP triggers");
      }
      if (img?.build) ctx.builds.push(img.build);
      const command = fn.command;
      ctx.fns.set(fn.id, {
        id: fn.id,
        name: fn.name,
        image: img?.image ?? "",
        memoryMb: mb ?? 0,
        timeoutSeconds: fn.timeoutSeconds,
        env,
        secretEnv: Object.fromEntries(Object.entries(fn.secrets).map(([k, v]) => [k, { secret: v.secret, key: v.key }])),
        entryPoint: command === null ? null : [...command],
        command: fn.args === null ? null : [...fn.args],
        tags: sortKeys({ ...ctx.app.labels, ...fn.labels, "app.kubernetes.io/managed-by": "zeroscale", "app.kubernetes.io/part-of": ctx.app.name, "zeroscale.dev/owner": fn.id }),
        alias: "live",
        reservedConcurrency: 0,
        provisionedConcurrency: null,
        baselines: [],
        http: {},
        schedules: [],
        queues: [],
        asyncInvoke: null,
        role: { name: `${fn.name}-exec`, statements: [] },
        effective: null as never,
        triggers: [],
        resources: [`Role/${fn.name}-exec`, `Function/${fn.name}`, `Alias/${fn.name}:live`],
      });
    },

    scalingPolicy(p, ctx) {
      const fn = ctx.nodes.get(p.target) as FunctionNode;
      const plan = ctx.fns.get(fn.id) as MutablePlan;
      const { effective: reserved, diagnostics } = lambdaEngine.effective({ fn, policy: p, triggers: ctx.triggers.get(fn.id) ?? [] });
      for (const diag of diagnostics) ctx.d.add(diag);
      const e = reserve ? reserved : lambdaUnreserved(reserved);
      plan.effective = e;
      plan.reservedConcurrency = reserve ? e.maxInstances : null;
      if (!reserve) {
        ctx.d.warn("ZS-LAMBDA-UNRESERVED", p.id, "maxInstances", p.maxInstances, `is not enforced: lambda({ reserveConcurrency: false }) sets no reserved concurrency, so the function scales up to the account's unreserved concurrency (zeroscale models ${e.maxInstances}, the default quota; less what other functions reserve, often 10 on new accounts)`, "set reserveConcurrency: true to cap it at maxInstances (the account must keep 100 executions unreserved), or raise the account's concurrency quota");
      }
      if (e.baselines.length > 0) {
        // Application Auto Scaling owns the provisioned concurrency: min = minInstances, raised by each window.
        plan.baselines = e.baselines.map((b, i) => ({ name: `${fn.name}-baseline-${i}`, start: awsCron(b.start), end: awsCron(b.end), timezone: b.timezone, minCapacity: b.minInstances }));
        plan.provisionedConcurrency = e.minInstances > 0 ? e.minInstances : null;
        plan.resources.push(`ScalableTarget/${fn.name}:live`, ...plan.baselines.flatMap((b) => [`ScheduledAction/${b.name}-start`, `ScheduledAction/${b.name}-end`]));
      } else if (e.minInstances > 0) {
        plan.provisionedConcurrency = e.minInstances;
        plan.resources.push(`ProvisionedConcurrencyConfig/${fn.name}:live`);
      }
    },

    trigger(t, ctx) {
      const fn = ctx.nodes.get(t.target) as FunctionNode;
      const plan = ctx.fns.get(fn.id) as MutablePlan;
      plan.triggers.push(t.id);
      const s = t.source;
      switch (s.type) {
        case "http": {
          const count = (ctx.triggers.get(fn.id) ?? []).filter((x) => x.source.type === "http").length;
          const routes = httpTrigger(ctx.d, fn, t, s, settings, count);
          if (routes === undefined) return;
          plan.http[t.id] = routes;
          if (!allowUnauthenticated && !ctx.iamWarned.has(fn.id)) {
            ctx.iamWarned.add(fn.id);
            ctx.d.warn("ZS-LAMBDA-HTTP-IAM", t.id, "http", s.path, `is private: ${front === "functionUrl" ? "the Function URL" : "the API Gateway routes"} use authorizationType "AWS_IAM", so callers must sign their requests (SigV4) with credentials allowed to invoke (${front === "functionUrl" ? "lambda:InvokeFunctionUrl" : "execute-api:Invoke"}); unsigned requests get 403`, "sign requests with AWS credentials, or set lambda({ allowUnauthenticated: true }) to let anyone invoke it");
          }
          if (front === "functionUrl") {
            if (!plan.resources.includes(`FunctionUrl/${fn.name}:live`)) plan.resources.push(`FunctionUrl/${fn.name}:live`, ...(allowUnauthenticated ? [`Permission/${fn.name}-url`, `Permission/${fn.name}-url-invoke`] : []));
          } else {
            if (!plan.resources.includes(`Permission/${fn.name}-api`)) plan.resources.push(`Integration/${fn.name}`, `Permission/${fn.name}-api`);
            plan.resources.push(...routes.map((r) => `Route/${r}`));
          }
          return;
        }
        case "schedule": {
          const sched = scheduleTrigger(ctx.d, fn, t, s);
          if (!sched) return;
          for (const x of effectiveDelivery("lambda", t).diagnostics) ctx.d.add(x);
          plan.schedules.push(sched);
          plan.resources.push(`Role/${t.name}-scheduler`, `Schedule/${t.name}`);
          asyncInvoke(ctx, plan, t);
          return;
        }
        case "queue": {
          const q = queueTrigger(ctx.d, t, s, settings);
          if (!q) return;
          for (const x of effectiveDelivery("lambda", t).diagnostics) ctx.d.add(x);
          plan.queues.push(q);
          plan.role.statements.push(...queueStatements(q));
          plan.resources.push(`EventSourceMapping/${t.id.split("/").join("-")}`);
          return;
        }
        default:
          return assertNever(s, "trigger source");
      }
    },
  };

  function compile(graph: DeploymentGraph): LambdaPlan {
    const ctx: Ctx = { d: new Diagnostics(), fns: new Map(), nodes: new Map(), triggers: new Map(), builds: [], app: graph.app, iamWarned: new Set(), registryOk: true };
    for (const n of graph.nodes) {
      if (n.kind === "function") ctx.nodes.set(n.id, n);
      else if (n.kind === "trigger") ctx.triggers.set(n.target, [...(ctx.triggers.get(n.target) ?? []), n]);
    }
    ctx.registryOk = checkRegistry(ctx.d, graph.app.name, images);
    for (const [id, arn] of [...Object.entries(settings.kafkaClusters), ...Object.entries(settings.amazonMq).map(([k, v]) => [k, v.brokerArn] as const)]) {
      const t = graph.nodes.find((n) => n.id === id);
      if (!t || t.kind !== "trigger" || t.source.type !== "queue") ctx.d.error("ZS-LAMBDA-QUEUE-ARN", graph.app.name, settings.kafkaClusters[id] !== undefined ? `kafkaClusters["${id}"]` : `amazonMq["${id}"]`, arn, "names no queue trigger of this app", "key each entry by the queue trigger's construct path, e.g. \"shop/worker/orders\"");
    }
    visitGraph(graph, handlers, ctx);
    const reservedSum = [...ctx.fns.values()].reduce((n, f) => n + (f.reservedConcurrency ?? 0), 0);
    if (reserve && reservedSum > LAMBDA_DEFAULTS.reservableConcurrency) {
      ctx.d.warn("ZS-LAMBDA-RESERVED-SUM", graph.app.name, "maxInstances", reservedSum, `is the reserved concurrency of the app's functions in all, above the ${LAMBDA_DEFAULTS.reservableConcurrency} an account with the default quota can reserve (${LAMBDA_DEFAULTS.accountConcurrency}, of which AWS keeps ${LAMBDA_DEFAULTS.unreservedMinimum} unreserved): the deploy fails with "UnreservedConcurrentExecution below its minimum" unless the account's quota is higher`, "lower maxInstances, raise the account's Lambda concurrency quota, or set lambda({ reserveConcurrency: false })");
    }
    const errors = ctx.d.list("error");
    if (errors.length > 0) throw new BackendError("lambda", errors);
    const functions = [...ctx.fns.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const hasHttp = front === "apiGateway" && functions.some((f) => Object.keys(f.http).length > 0);
    return {
      backend: "lambda",
      app: graph.app.name,
      region: options.region ?? null,
      httpFront: front,
      allowUnauthenticated,
      api: hasHttp ? { name: `${graph.app.name}-http` } : null,
      createRepositories: options.createRepositories ?? false,
      functions: functions.map((f) => ({ ...f, triggers: [...f.triggers].sort(), role: { name: f.role.name, statements: dedupe(f.role.statements) } })),
      builds: [...ctx.builds].sort((a, b) => (a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0)),
      warnings: [...graph.warnings, ...applySuppressions(ctx.d.list("warning"), graph.suppressions).kept],
    };
  }

  return {
    name: "lambda",
    engine: "lambda",
    target: "lambda",
    capabilities: LAMBDA_CAPABILITIES,
    options,
    compile,
    artifacts: lambdaArtifacts,
    view: (plan: LambdaPlan): PlanView => viewLambdaPlan(plan),
  };
}

/** AWS_LWA_ERROR_STATUS_CODES: the answers that fail an invocation, so that Lambda retries it (the adapter treats every answer as a success by default). */
const ALL_FAILURES = "300-599";
const SERVER_FAILURES = "500-599";

/**
 * The alias's asynchronous invocation config from a schedule's delivery (one per alias: the first
 * schedule's; a later schedule that needs another one is told so).
 */
function asyncInvoke(ctx: Ctx, plan: MutablePlan, t: TriggerNode): void {
  const wanted = lambdaScheduleRetry(t.delivery as NonNullable<TriggerNode["delivery"]>).asyncInvoke;
  if (plan.asyncInvoke === null) {
    plan.asyncInvoke = wanted;
    plan.resources.push(`EventInvokeConfig/${plan.name}:live`);
  } else if (plan.asyncInvoke.maximumRetryAttempts !== wanted.maximumRetryAttempts || plan.asyncInvoke.onFailure !== wanted.onFailure) {
    const first = plan.schedules[0]?.trigger;
    ctx.d.warn("ZS-LAMBDA-DELIVERY", t.id, "delivery", wanted, `cannot differ from ${first}'s: Lambda keeps one asynchronous invocation config per alias, so every schedule of ${plan.id} gets ${plan.asyncInvoke.maximumRetryAttempts} retries and ${plan.asyncInvoke.onFailure === null ? "no dead letter" : `dead letter ${plan.asyncInvoke.onFailure}`}`, `give the schedules of ${plan.id} the same retries and deadLetter, or put this schedule on its own function`);
  }
}

/** A baseline edge in AWS's form (the engine model refused the ones that do not convert). */
function awsCron(cron: string): string {
  const aws = toAwsCron(cron);
  return aws.ok ? aws.expression : "";
}

/** The execution role's statements an event source mapping needs (Lambda polls with the function's role). */
function queueStatements(q: LambdaQueue): LambdaStatement[] {
  const vpc: LambdaStatement = { actions: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"], resources: ["*"] };
  switch (q.kind) {
    case "msk":
      return [{ actions: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], resources: [q.clusterArn] }, vpc];
    case "kafka":
      return [];
    case "amazonMq":
      return [{ actions: ["mq:DescribeBroker"], resources: [q.brokerArn] }, { actions: ["secretsmanager:GetSecretValue"], resources: [q.credentialsSecretArn] }, vpc];
    default:
      return assertNever(q, "queue source");
  }
}

function sortKeys<V>(o: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function dedupe(statements: readonly LambdaStatement[]): LambdaStatement[] {
  const seen = new Map<string, LambdaStatement>();
  for (const s of statements) seen.set(JSON.stringify(s), s);
  return [...seen.values()];
}

/** The files `zeroscale synth --backend lambda` writes: plan.json (validated by test/schemas/lambda/plan.schema.json). */
export function lambdaArtifacts(plan: LambdaPlan): ArtifactFile[] {
  return [{ path: "plan.json", content: `${JSON.stringify(plan, null, 2)}\n` }];
}

export type { LambdaPlan, LambdaFunctionPlan, LambdaBuild, LambdaHttpFront } from "./plan.js";
export type { AmazonMqSource } from "./triggers.js";
