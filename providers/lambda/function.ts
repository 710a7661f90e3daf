// A function's Lambda settings: image, memory, environment, checks of Lambda's limits. Pure.
import { LAMBDA_DEFAULTS } from "../../lib/engines/lambda/defaults.js";
import { type Diagnostics, FUNCTION_DEFAULTS, type FunctionNode, parseQuantityValue } from "../../lib/index.js";
import { repositoryOf } from "../images/spec.js";
import { UNBUILT_TAG } from "../kubernetes/pod.js";
import type { LambdaBuild } from "./plan.js";

/** An Amazon ECR registry or repository: `<account>.dkr.ecr.<region>.amazonaws.com[/path]`. */
export const ECR = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?(\/[a-z0-9]+(?:[._/-][a-z0-9]+)*)?\/?$/;
const ECR_IMAGE = /^\d{12}\.dkr\.ecr\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?\/[a-z0-9]+(?:[._/-][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$/;
/** Variables Lambda (or the Lambda Web Adapter) sets itself (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime). */
const RESERVED = /^(AWS_.*|LAMBDA_.*|_HANDLER|_X_AMZN_TRACE_ID|TZ)$/;

/** The options function.ts reads. */
export interface LambdaImageSettings {
  readonly registry: string | undefined;
  readonly region: string | undefined;
  readonly images: Readonly<Record<string, string>>;
  readonly baseImage: string;
}

/** The registry's region, or an error (recorded) when it is not an ECR path in `region`. */
export function checkRegistry(d: Diagnostics, path: string, s: LambdaImageSettings): boolean {
  if (s.registry === undefined) return true;
  const m = ECR.exec(s.registry);
  if (!m) {
    d.error("ZS-LAMBDA-REGISTRY", path, "registry", s.registry, "is not an Amazon ECR registry: Lambda runs images from ECR only", 'give "<account>.dkr.ecr.<region>.amazonaws.com/<path>", e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop"');
    return false;
  }
  if (s.region !== undefined && m[2] !== s.region) {
    d.error("ZS-LAMBDA-REGISTRY", path, "registry", s.registry, `is in ${m[2]}, but the functions are in ${s.region}: Lambda pulls images from its own region's ECR only`, `use an ECR registry in ${s.region}, or set region: "${m[2]}"`);
    return false;
  }
  return true;
}

/** The image a function runs on Lambda, and the build that makes it (if any); undefined (recorded) when there is none. */
export function lambdaImage(d: Diagnostics, fn: FunctionNode, s: LambdaImageSettings, registryOk: boolean): { image: string; build: LambdaBuild | null } | undefined {
  const adapter = (what: string) =>
    d.warn("ZS-LAMBDA-ADAPTER", fn.id, fn.source.type, what, "is not built by zeroscale for Lambda: it must include the Lambda Web Adapter extension (/opt/extensions/lambda-adapter) to serve HTTP there", `add "COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:0.9.1 /lambda-adapter /opt/extensions/lambda-adapter" to its Dockerfile${fn.source.type === "image" ? " (an image outside ECR is copied there with the adapter when lambda() has a registry)" : ""}`);
  const mapped = s.images[fn.id];
  if (mapped !== undefined) {
    if (!ECR_IMAGE.test(mapped)) {
      d.error("ZS-LAMBDA-IMAGE", fn.id, `images["${fn.id}"]`, mapped, "is not an Amazon ECR image: Lambda runs images from ECR only", "push it to ECR (zeroscale build --registry <account>.dkr.ecr.<region>.amazonaws.com/<path>) and pass that digest");
      return undefined;
    }
    adapter(mapped);
    return { image: mapped, build: null };
  }
  const src = fn.source;
  if (src.type === "image" && ECR_IMAGE.test(src.image)) {
    adapter(src.image);
    return { image: src.image, build: null };
  }
  if (s.registry !== undefined && registryOk) {
    const repository = repositoryOf(s.registry, fn);
    const build: LambdaBuild =
      src.type === "image"
        ? { fn: fn.id, repository, source: { type: "wrap", image: src.image } }
        : src.type === "code"
          ? { fn: fn.id, repository, source: { type: "code", path: src.path, file: src.file, export: src.export, baseImage: s.baseImage } }
          : { fn: fn.id, repository, source: { type: "build", context: src.context, dockerfile: src.dockerfile, args: src.args } };
    if (src.type === "build") adapter(src.context);
    return { image: `${repository}:${UNBUILT_TAG}`, build };
  }
  if (!registryOk) return undefined;
  const what = src.type === "image" ? src.image : src.type === "build" ? src.context : `${src.path}/${src.file}`;
  d.error(
    "ZS-LAMBDA-IMAGE",
    fn.id,
    src.type,
    what,
    src.type === "image" ? "is not in Amazon ECR, and Lambda runs images from ECR only; lambda() was given no registry to copy it to" : "is built from source, and lambda() was given no ECR registry to push its image to nor an image for it",
    'pass lambda({ registry: "<account>.dkr.ecr.<region>.amazonaws.com/<path>" }) (deploy() builds, adds the Lambda Web Adapter and pushes), or images: { "<function>": "<ECR repository>@sha256:<digest>" }',
  );
  return undefined;
}

/** memorySize in MB, or undefined (recorded) outside Lambda's limits. */
export function memoryMb(d: Diagnostics, fn: FunctionNode): number | undefined {
  const bytes = parseQuantityValue(fn.memory) ?? 0;
  const mb = bytes / 2 ** 20;
  if (!Number.isInteger(mb) || mb < LAMBDA_DEFAULTS.memoryMinMb || mb > LAMBDA_DEFAULTS.memoryMaxMb) {
    d.error("ZS-LAMBDA-MEMORY", fn.id, "memory", fn.memory, `is ${Number.isInteger(mb) ? `${mb}` : mb.toFixed(2)} MB; Lambda's memorySize is a whole number of MB within ${LAMBDA_DEFAULTS.memoryMinMb}..${LAMBDA_DEFAULTS.memoryMaxMb}`, 'use e.g. "128Mi", "512Mi" or "2Gi"');
    return undefined;
  }
  const cpu = parseQuantityValue(fn.cpu) ?? 0;
  const share = mb / LAMBDA_DEFAULTS.mbPerVcpu;
  if (fn.cpu !== FUNCTION_DEFAULTS.cpu && cpu > share + 1e-9) {
    d.warn("ZS-LAMBDA-CPU", fn.id, "cpu", fn.cpu, `is not a Lambda setting: Lambda gives ${share.toFixed(3)} vCPU at ${mb} MB (CPU in proportion to memory, 1 vCPU per ${LAMBDA_DEFAULTS.mbPerVcpu} MB)`, `set memory to at least "${Math.min(LAMBDA_DEFAULTS.memoryMaxMb, Math.ceil(cpu * LAMBDA_DEFAULTS.mbPerVcpu))}Mi" for ${fn.cpu} of CPU`);
  }
  return mb;
}

/**
 * The function's plain environment with the Lambda Web Adapter's settings; errors for reserved names
 * and Lambda's 4 KB limit. `errorStatusCodes` (AWS_LWA_ERROR_STATUS_CODES) are the answers that fail
 * an invocation, so that Lambda retries a schedule or queue event (null: none, the adapter's default).
 */
export function lambdaEnv(d: Diagnostics, fn: FunctionNode, passThroughPath: string, errorStatusCodes: string | null = null): Record<string, string> {
  for (const name of [...Object.keys(fn.env), ...Object.keys(fn.secrets)].sort()) {
    if (RESERVED.test(name)) d.error("ZS-LAMBDA-ENV-RESERVED", fn.id, fn.env[name] !== undefined ? `env.${name}` : `secrets.${name}`, name, "is set by Lambda or the Lambda Web Adapter itself", "rename the variable (names starting AWS_ or LAMBDA_, _HANDLER, _X_AMZN_TRACE_ID and TZ are Lambda's)");
  }
  const env: Record<string, string> = {
    ...fn.env,
    ...(errorStatusCodes === null ? {} : { AWS_LWA_ERROR_STATUS_CODES: errorStatusCodes }),
    AWS_LWA_PASS_THROUGH_PATH: passThroughPath,
    AWS_LWA_PORT: String(fn.port),
    AWS_LWA_READINESS_CHECK_PATH: fn.readinessPath,
    PORT: String(fn.port),
  };
  const sorted = Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const bytes = Object.entries(sorted).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > LAMBDA_DEFAULTS.envMaxBytes) {
    d.error("ZS-LAMBDA-ENV-SIZE", fn.id, "env", `${bytes} bytes`, `exceeds Lambda's ${LAMBDA_DEFAULTS.envMaxBytes} bytes of environment variables (including the adapter's)`, "move large values to a file in the image, or to a secret read by the code");
  }
  return sorted;
}

/** Errors for what Lambda cannot honour on any function, warnings for what it approximates. */
export function checkFunction(d: Diagnostics, fn: FunctionNode): void {
  if (fn.security.relaxed.length > 0) {
    d.error("ZS-LAMBDA-SECURITY", fn.id, "security", fn.security.relaxed, "cannot be relaxed on Lambda: it runs every image as an unprivileged user on a read-only filesystem (writable /tmp only)", "remove the relaxation, or deploy with knative(), keda() or docker()");
  }
  if (fn.concurrency > 1 && fn.concurrency !== FUNCTION_DEFAULTS.concurrency) {
    d.warn("ZS-LAMBDA-CONCURRENCY", fn.id, "concurrency", fn.concurrency, "is approximated: a Lambda environment serves one request at a time, so concurrent requests each get their own environment (up to maxInstances)", "nothing to do, or set concurrency: 1 to say so");
  }
  if (Object.keys(fn.secrets).length > 0) {
    d.warn("ZS-LAMBDA-SECRET-ENV", fn.id, "secrets", Object.keys(fn.secrets), "are read from Secrets Manager at deploy into the function's (KMS-encrypted) environment: Lambda has no secret references in its environment, so a new secret value needs a redeploy", "nothing to do, or read the secret at run time from your code");
  }
}

