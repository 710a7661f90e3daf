/** AWS Lambda's documented (or, where AWS documents none, observed) behaviour that zeroscale's model of it uses, written once. */
export const LAMBDA_DEFAULTS = {
  /**
   * One request at a time per execution environment: "each instance of your execution environment
   * can handle only one request at a time" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
   */
  requestsPerEnvironment: 1,
  /**
   * Seconds an idle (frozen, unbilled) environment is kept before AWS reclaims it. AWS documents no
   * value and no setting ("Lambda ... retains the execution environment for some time in anticipation
   * of another function invocation", https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html);
   * observed 5-15 minutes: zeroscale models the lower end.
   */
  environmentReclaimSeconds: 300,
  /**
   * Scale-up rate per function: "each function can scale up by 1,000 execution environment instances
   * every 10 seconds" (https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html).
   */
  scaleUpPerTenSeconds: 1000,
  /** The Init phase limit of an on-demand environment, seconds: a cold request waits at most this long for its own environment (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib). */
  initTimeoutSeconds: 10,
  /**
   * The account's default concurrency quota per region, the executions AWS keeps unreserved, and so
   * the most the account's functions can reserve in all
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). New accounts often have a quota of 10.
   */
  accountConcurrency: 1000,
  unreservedMinimum: 100,
  reservableConcurrency: 900,
  /** Lambda decides per request: the model's decision interval (seconds). */
  decisionIntervalSeconds: 1,
  /** memorySize limits, MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). */
  memoryMinMb: 128,
  memoryMaxMb: 10240,
  /** MB of memory that buy one vCPU ("at 1,769 MB, a function has the equivalent of one vCPU"). */
  mbPerVcpu: 1769,
  /** timeout limits, seconds. */
  timeoutMaxSeconds: 900,
  /** The API Gateway HTTP API integration timeout cap, seconds (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html). */
  httpApiTimeoutSeconds: 30,
  /** Total size of a function's environment variables, bytes (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
  envMaxBytes: 4096,
  /** The Lambda Web Adapter image the generated Dockerfiles copy the extension from (https://github.com/awslabs/aws-lambda-web-adapter). */
  webAdapterImage: "public.ecr.aws/awsguru/aws-lambda-adapter:0.9.1",
} as const;
