import type { FunctionNode, FunctionSource, SecretRefData, SecurityData } from "../graph/types.js";
import type { ServerlessFunctionProps } from "../serverless-function.js";
import { type Checker, parseQuantity } from "../validation/checker.js";
import { DNS1123_SUBDOMAIN, ENV_NAME, IMAGE_REF, RESERVED_ENV, RESERVED_PORTS, SECRET_KEY, URL_PATH } from "../validation/patterns.js";
import { checkLabels, isPortableRelativePath, sortedRecord } from "./common.js";

/** Defaults of a ServerlessFunction's props (docs/constructs.md lists them). */
export const FUNCTION_DEFAULTS = {
  port: 8080,
  memory: "256Mi",
  cpu: "250m",
  timeoutSeconds: 300,
  concurrency: 100,
  readinessPath: "/",
  runtime: "nodejs20",
  runAsUser: 65532,
} as const;

/** Longest request timeout: Knative's default max-revision-timeout-seconds. */
export const MAX_TIMEOUT_SECONDS = 600;
const MIN_MEMORY_BYTES = 6 * 2 ** 20;

/** Validate a function's props and resolve them into a graph node. */
export function resolveFunction(c: Checker, id: string, name: string, props: ServerlessFunctionProps): FunctionNode {
  const source = resolveSource(c, props);
  const port = resolvePort(c, props.port);
  const { env, secrets } = resolveEnv(c, props);
  const memory = props.memory ?? FUNCTION_DEFAULTS.memory;
  const memBytes = parseQuantity(memory);
  if (memBytes === undefined) c.error("ZS-FN-MEMORY", "memory", memory, "is not a Kubernetes quantity", 'use a size such as "128Mi", "512Mi" or "1Gi"');
  else if (memBytes < MIN_MEMORY_BYTES) c.error("ZS-FN-MEMORY", "memory", memory, "is below 6Mi (Docker's minimum)", 'use at least "6Mi"; most functions want "128Mi" or more');
  const cpu = props.cpu ?? FUNCTION_DEFAULTS.cpu;
  const cpuCores = parseQuantity(cpu);
  if (cpuCores === undefined) c.error("ZS-FN-CPU", "cpu", cpu, "is not a Kubernetes quantity", 'use cores such as "250m", "0.5" or "2"');
  else if (cpuCores < 0.001 || Math.abs(cpuCores * 1000 - Math.round(cpuCores * 1000)) > 1e-9)
    c.error("ZS-FN-CPU", "cpu", cpu, "is not a whole number of millicores (at least 1m)", 'use a value such as "100m" or "1"');
  const readinessPath = props.readinessPath ?? FUNCTION_DEFAULTS.readinessPath;
  if (!URL_PATH.test(readinessPath))
    c.error("ZS-FN-READINESS", "readinessPath", readinessPath, "is not a URL path", 'start it with "/" and use no spaces, e.g. "/healthz"');
  if (props.command !== undefined && props.command.length === 0)
    c.error("ZS-FN-COMMAND", "command", props.command, "is empty", "leave command out to use the image's entrypoint, or name the program");
  return {
    kind: "function",
    id,
    name,
    source,
    port,
    env,
    secrets,
    memory,
    cpu,
    timeoutSeconds: c.seconds("ZS-FN-TIMEOUT", "timeout", props.timeout, FUNCTION_DEFAULTS.timeoutSeconds, 1, MAX_TIMEOUT_SECONDS),
    concurrency: c.int("ZS-FN-CONCURRENCY", "concurrency", props.concurrency, FUNCTION_DEFAULTS.concurrency, 1, 1000),
    readinessPath,
    command: props.command ? [...props.command] : null,
    args: props.args ? [...props.args] : null,
    labels: checkLabels(c, "labels", props.labels),
    security: resolveSecurity(c, props.security ?? {}),
  };
}

function resolveSecurity(c: Checker, s: NonNullable<ServerlessFunctionProps["security"]>): SecurityData {
  const runAsNonRoot = s.runAsNonRoot ?? true;
  const runAsUser = s.runAsUser === undefined ? FUNCTION_DEFAULTS.runAsUser : s.runAsUser;
  if (runAsUser !== null && (runAsUser < 0 || runAsUser > 2147483647)) {
    c.error("ZS-FN-SECURITY-USER", "security.runAsUser", runAsUser, "is not a user id", "use a number from 1 to 2147483647, or null for the image's user");
  } else if (runAsUser === 0 && runAsNonRoot) {
    c.error("ZS-FN-SECURITY-USER", "security.runAsUser", 0, "is root while runAsNonRoot is true", "use a non-root uid, or set runAsNonRoot: false explicitly");
  }
  const readOnlyRootFilesystem = s.readOnlyRootFilesystem ?? true;
  const allowPrivilegeEscalation = s.allowPrivilegeEscalation ?? false;
  const relaxed: SecurityData["relaxed"][number][] = [];
  if (!runAsNonRoot) relaxed.push("runAsNonRoot");
  if (!readOnlyRootFilesystem) relaxed.push("readOnlyRootFilesystem");
  if (allowPrivilegeEscalation) relaxed.push("allowPrivilegeEscalation");
  return { runAsNonRoot, runAsUser, readOnlyRootFilesystem, allowPrivilegeEscalation, relaxed };
}

function resolveSource(c: Checker, props: ServerlessFunctionProps): FunctionSource {
  const given = (["image", "build", "code"] as const).filter((k) => props[k] !== undefined);
  if (given.length !== 1) {
    const problem = given.length === 0 ? "none of image, build, code is set" : `sets ${given.join(" and ")}`;
    c.error("ZS-FN-SOURCE", "(construct)", undefined, problem, "set exactly one of image, build or code");
    return { type: "image", image: "invalid" };
  }
  if (props.image !== undefined) {
    if (!IMAGE_REF.test(props.image))
      c.error("ZS-FN-IMAGE", "image", props.image, "is not an image reference", 'use [registry/]repository[:tag][@digest], e.g. "registry.example.com/shop/api:1.4.2"');
    return { type: "image", image: props.image };
  }
  if (props.build !== undefined) {
    const { context, dockerfile = "Dockerfile", args } = props.build;
    if (!isPortableRelativePath(context))
      c.error("ZS-FN-BUILD-CONTEXT", "build.context", context, "is not a relative path", "use a path relative to the app's base directory, so the graph is the same on every machine");
    if (dockerfile.length === 0) c.error("ZS-FN-BUILD-DOCKERFILE", "build.dockerfile", dockerfile, "is empty", 'leave it out for "Dockerfile" or name the file');
    return { type: "build", context, dockerfile, args: sortedRecord(args) };
  }
  const code = props.code as NonNullable<ServerlessFunctionProps["code"]>;
  if (!isPortableRelativePath(code.path))
    c.error("ZS-FN-CODE-PATH", "code.path", code.path, "is not a relative path", "use a path relative to the app's base directory, so the graph is the same on every machine");
  const m = /^([^#]+?\.(?:js|mjs|cjs))(?:#([A-Za-z_$][\w$]*))?$/.exec(code.handler);
  if (!m)
    c.error("ZS-FN-CODE-HANDLER", "code.handler", code.handler, 'is not "file#export" with a .js, .mjs or .cjs file', 'use e.g. "index.js#handler", or "index.js" for the default export (compile TypeScript first)');
  return {
    type: "code",
    path: code.path,
    file: m?.[1] ?? code.handler,
    export: m?.[2] ?? "default",
    runtime: code.runtime ?? FUNCTION_DEFAULTS.runtime,
  };
}

function resolvePort(c: Checker, port: number | undefined): number {
  const value = c.int("ZS-FN-PORT", "port", port, FUNCTION_DEFAULTS.port, 1024, 65535);
  if ((RESERVED_PORTS as readonly number[]).includes(value)) {
    c.error("ZS-FN-PORT", "port", value, `is reserved by Knative (${RESERVED_PORTS.join(", ")})`, "pick another port, e.g. 8080");
  }
  return value;
}

function resolveEnv(c: Checker, props: ServerlessFunctionProps): { env: Record<string, string>; secrets: Record<string, SecretRefData> } {
  const env = sortedRecord(props.env);
  const secrets = sortedRecord(props.secrets);
  const checkName = (prop: string, name: string) => {
    if (!ENV_NAME.test(name))
      c.error("ZS-FN-ENV-NAME", `${prop}.${name}`, name, "is not a valid environment variable name", "use letters, digits and '_', not starting with a digit");
    else if ((RESERVED_ENV as readonly string[]).includes(name))
      c.error("ZS-FN-ENV-RESERVED", `${prop}.${name}`, name, `is set by the platform (${RESERVED_ENV.join(", ")})`, "rename the variable; read the port from $PORT");
  };
  for (const name of Object.keys(env)) checkName("env", name);
  for (const [name, ref] of Object.entries(secrets)) {
    checkName("secrets", name);
    if (name in env) c.error("ZS-FN-ENV-DUPLICATE", `secrets.${name}`, name, "is also set in env", "set each variable in env or in secrets, not both");
    if (ref.secret.length > 253 || !DNS1123_SUBDOMAIN.test(ref.secret))
      c.error("ZS-FN-SECRET-NAME", `secrets.${name}.secret`, ref.secret, "is not a valid secret store name", "use lowercase alphanumerics, '-' and '.', e.g. \"shop-db\"");
    if (ref.key.length > 253 || !SECRET_KEY.test(ref.key))
      c.error("ZS-FN-SECRET-KEY", `secrets.${name}.key`, ref.key, "is not a valid secret key", "use alphanumerics, '-', '_' and '.', e.g. \"url\"");
  }
  const resolved: Record<string, SecretRefData> = {};
  for (const [name, ref] of Object.entries(secrets)) resolved[name] = { secret: ref.secret, key: ref.key };
  return { env, secrets: resolved };
}
