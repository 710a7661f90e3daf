// The lambda() backend's plan: every AWS resource as plain data (the realiser in
// providers/pulumi/lambda.ts registers exactly this), deterministic for the same graph and options.
import type { EffectiveScaling } from "../../lib/engines/index.js";
import type { Plan, PlanView } from "../../lib/index.js";
import type { ImageBuild } from "../images/spec.js";

/** How HTTP reaches the functions. */
export type LambdaHttpFront = "apiGateway" | "functionUrl";

/**
 * An image to build and push to ECR for a function: a code function (runner + handler + the Lambda
 * Web Adapter extension, providers/images/lambda-dockerfile.ts), a build function (the user's
 * Dockerfile), or an image function copied into ECR with the adapter added (`wrap`).
 */
export interface LambdaBuild {
  readonly fn: string;
  /** The ECR repository, without tag or digest: `<registry>/<app>-<function>`. */
  readonly repository: string;
  readonly source: ImageBuild["source"] | { readonly type: "wrap"; readonly image: string };
}

/** One IAM policy statement (least privilege: exact actions on exact resources). */
export interface LambdaStatement {
  readonly actions: readonly string[];
  /** ARNs; `<alias>` / `<function>` are the function's alias / function ARN, filled in by the realiser. */
  readonly resources: readonly string[];
}

/** A schedule trigger: an EventBridge Scheduler schedule invoking the live alias. */
export interface LambdaSchedule {
  readonly trigger: string;
  readonly name: string;
  /** `cron(m h dom mon dow year)` (converted by lib/engines/lambda/cron.ts). */
  readonly expression: string;
  readonly timezone: string;
  /** The event the function receives (the Lambda Web Adapter POSTs it to AWS_LWA_PASS_THROUGH_PATH). */
  readonly input: string;
  /** Target.RetryPolicy: retries of delivering the event to Lambda (function errors are the alias's asyncInvoke). */
  readonly retryPolicy: { readonly maximumRetryAttempts: number; readonly maximumEventAgeInSeconds: number };
}

/**
 * The alias's asynchronous invocation config (EventBridge Scheduler invokes asynchronously): how
 * often Lambda retries a function error (0..2) and the dead-letter function (its id) that gets the
 * invocation record after the last attempt (an on-failure destination).
 */
export interface LambdaAsyncInvoke {
  readonly maximumRetryAttempts: number;
  readonly onFailure: string | null;
}

/** A queue trigger: one event source mapping on the live alias. */
export type LambdaQueue =
  | { readonly trigger: string; readonly kind: "msk"; readonly clusterArn: string; readonly topic: string; readonly consumerGroup: string; readonly batchSize: number }
  | { readonly trigger: string; readonly kind: "kafka"; readonly bootstrapServers: string; readonly topic: string; readonly consumerGroup: string; readonly batchSize: number }
  | { readonly trigger: string; readonly kind: "amazonMq"; readonly brokerArn: string; readonly credentialsSecretArn: string; readonly virtualHost: string; readonly queue: string; readonly batchSize: number };

/** A schedule baseline: two Application Auto Scaling scheduled actions on the alias's provisioned concurrency. */
export interface LambdaBaseline {
  readonly name: string;
  readonly start: string;
  readonly end: string;
  readonly timezone: string;
  readonly minCapacity: number;
}

/** What one function became. */
export interface LambdaFunctionPlan {
  readonly id: string;
  /** The Lambda function name (and the prefix of its other resources' names). */
  readonly name: string;
  /** The image URI, or `<repository>:zeroscale-unbuilt` for a build in `LambdaPlan.builds` (replaced by the pushed digest). */
  readonly image: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Plain environment (the adapter's AWS_LWA_* settings included), key-sorted. */
  readonly env: Readonly<Record<string, string>>;
  /** Secrets Manager references by variable: the value is read at deploy (ZS-LAMBDA-SECRET-ENV). */
  readonly secretEnv: Readonly<Record<string, { readonly secret: string; readonly key: string }>>;
  readonly entryPoint: readonly string[] | null;
  readonly command: readonly string[] | null;
  readonly tags: Readonly<Record<string, string>>;
  /** The alias every trigger, URL and provisioned concurrency targets (never $LATEST). */
  readonly alias: "live";
  /** reservedConcurrentExecutions: maxInstances, or null (unset) with lambda({ reserveConcurrency: false }). */
  readonly reservedConcurrency: number | null;
  /** Provisioned concurrency on the alias (billed); null for none. */
  readonly provisionedConcurrency: number | null;
  readonly baselines: readonly LambdaBaseline[];
  /** HTTP trigger id -> its API Gateway routes ("ANY /api", "ANY /api/{proxy+}"), or [] with a Function URL. */
  readonly http: Readonly<Record<string, readonly string[]>>;
  readonly schedules: readonly LambdaSchedule[];
  readonly queues: readonly LambdaQueue[];
  /** Its schedules' asynchronous invocation config, or null without schedules. */
  readonly asyncInvoke: LambdaAsyncInvoke | null;
  /** The execution role: AWSLambdaBasicExecutionRole plus exactly these statements (and lambda:InvokeFunction on asyncInvoke.onFailure's alias). */
  readonly role: { readonly name: string; readonly statements: readonly LambdaStatement[] };
  readonly effective: EffectiveScaling;
  readonly triggers: readonly string[];
  /** The resources realised for it ("<type>/<name>"). */
  readonly resources: readonly string[];
}

/** The compiled plan of the lambda backend (plain data). */
export interface LambdaPlan extends Plan {
  readonly backend: "lambda";
  readonly app: string;
  /** The AWS region, or null for the provider's. */
  readonly region: string | null;
  readonly httpFront: LambdaHttpFront;
  /** HTTP open to anyone (authorizationType "NONE"), or signed requests only ("AWS_IAM"): lambda({ allowUnauthenticated }). */
  readonly allowUnauthenticated: boolean;
  /** The app's HTTP API (apiGateway front with HTTP triggers), or null. */
  readonly api: { readonly name: string } | null;
  /** Create one ECR repository per build (lambda({ createRepositories })). */
  readonly createRepositories: boolean;
  readonly functions: readonly LambdaFunctionPlan[];
  /** Images to build and push before the functions can be created, sorted by function id. */
  readonly builds: readonly LambdaBuild[];
}

/** The plan in zeroscale's vocabulary. */
export function viewLambdaPlan(plan: LambdaPlan): PlanView {
  const functions: Record<string, PlanView["functions"][string]> = {};
  for (const f of plan.functions) {
    functions[f.id] = {
      minInstances: f.effective.minInstances,
      maxInstances: f.effective.maxInstances,
      idleTimeoutSeconds: f.effective.timeToZeroSeconds,
      effective: f.effective,
      triggers: [...f.triggers].sort(),
      resources: [...f.resources],
    };
  }
  return { functions };
}
