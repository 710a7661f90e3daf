import { cloudSchedulerRetry } from "../../lib/engines/cloudrun/delivery.js";
import { cloudRunEngine } from "../../lib/engines/cloudrun/model.js";
import { effectiveDelivery } from "../../lib/events/models.js";
import {
  applySuppressions,
  assertNever,
  type Backend,
  BackendError,
  type DeploymentGraph,
  Diagnostics,
  type FunctionNode,
  type NodeHandlers,
  type PlanView,
  type QueueBroker,
  type TriggerNode,
  visitGraph,
} from "../../lib/index.js";
import type { ImageBuild } from "../images/spec.js";
import type { ImageOptions } from "../kubernetes/pod.js";
import { CLOUDRUN_CAPABILITIES } from "./capabilities.js";
import { cloudRunImage } from "./image.js";
import { ARTIFACT_REGISTRY, cloudRunCpu, cloudRunMemory } from "./limits.js";
import { accountIdOf, type CloudRunEnv, type CloudRunPlan, type CloudRunServicePlan, gcpLabels, secretIdOf } from "./plan.js";
import { cloudRunArtifacts } from "./yaml.js";

/** Options of the {@link cloudRun} backend. */
export interface CloudRunOptions extends Pick<ImageOptions, "registry" | "images" | "baseImage"> {
  /**
   * The Google Cloud project every resource is created in (also the YAML's `metadata.namespace`).
   * @default the Pulumi provider's project (gcp:project); the YAML then names none (gcloud's project applies)
   */
  readonly project?: string;
  /** The region of the services and Cloud Scheduler jobs, e.g. "europe-west1". @default "us-central1" */
  readonly region?: string;
  /**
   * Create the Artifact Registry repository that `registry` names, which must then be
   * "<region>-docker.pkg.dev/<project>/<repository>". Otherwise `registry` must already exist.
   * @default false
   */
  readonly createRegistry?: boolean;
  /**
   * Let anyone on the internet (allUsers) invoke the services that have an HTTP trigger. Otherwise
   * callers need roles/run.invoker (an identity token), as for every Cloud Run service by default.
   * @default false
   */
  readonly allowUnauthenticated?: boolean;
}

/** The Google Cloud Run backend: one Cloud Run service per function, Cloud Scheduler jobs for schedules. */
export interface CloudRunBackend extends Backend<CloudRunPlan> {
  readonly name: "cloudrun";
  readonly target: "cloudrun";
  readonly options: CloudRunOptions;
}

/** Why each queue broker cannot reach a Cloud Run service: one entry per broker, or this does not compile. */
const QUEUE_REFUSAL: { readonly [B in QueueBroker]: string } = {
  redis: "Cloud Run is pushed events only (Pub/Sub push subscriptions, Eventarc), and neither reads a Redis stream",
  rabbitmq: "Cloud Run is pushed events only (Pub/Sub push subscriptions, Eventarc), and neither consumes a RabbitMQ queue",
  kafka: "Cloud Run is pushed events only (Pub/Sub push subscriptions, Eventarc), and neither consumes a self-managed Kafka topic",
  nats: "Cloud Run is pushed events only (Pub/Sub push subscriptions, Eventarc), and neither subscribes to NATS",
};

interface Ctx {
  readonly d: Diagnostics;
  readonly services: Map<string, CloudRunServicePlan>;
  readonly builds: ImageBuild[];
  readonly fns: Index;
}

/** Compile zeroscale apps to Google Cloud Run services, Cloud Scheduler jobs, service accounts and Secret Manager references. */
export function cloudRun(options: CloudRunOptions = {}): CloudRunBackend {
  const region = options.region ?? "us-central1";
  const project = options.project ?? null;

  const handlers: NodeHandlers<Ctx> = {
    function(fn, { d, services, builds }) {
      const image = cloudRunImage(fn, options, d, builds);
      const cpu = cloudRunCpu(fn, d);
      const memory = cloudRunMemory(fn, cpu?.cores, d);
      services.set(fn.id, {
        id: fn.id,
        name: fn.name,
        labels: {},
        container: {
          image: image ?? "invalid",
          command: fn.command,
          args: fn.args,
          port: fn.port,
          env: envOf(fn),
          cpu: cpu?.cpu ?? "1",
          memory: memory ?? "512Mi",
          startupProbePath: fn.readinessPath,
        },
        concurrency: fn.concurrency,
        timeoutSeconds: fn.timeoutSeconds,
        cpuIdle: true,
        scaling: { minInstances: 0, maxInstances: 0, idleTimeoutSeconds: null },
        effective: null,
        triggers: [],
        http: {},
        schedules: [],
        public: false,
        serviceAccount: accountIdOf(fn.name),
        invoker: null,
        secrets: [...new Set(Object.values(fn.secrets).map((r) => secretIdOf(r.secret, r.key)))].sort(),
      });
    },
    scalingPolicy(p, { d, services, fns }) {
      const svc = services.get(p.target) as CloudRunServicePlan;
      const { effective: e, diagnostics } = cloudRunEngine.effective({ fn: fns.get(p.target) as FunctionNode, policy: p, triggers: fns.triggersOf(p.target) });
      for (const x of diagnostics) d.add(x);
      svc.effective = e;
      svc.scaling.idleTimeoutSeconds = e.timeToZeroSeconds;
      Object.assign(svc.scaling, { minInstances: e.minInstances, maxInstances: e.maxInstances });
    },
    trigger(t, { d, services }) {
      const svc = services.get(t.target) as CloudRunServicePlan;
      svc.triggers.push(t.id);
      const s = t.source;
      switch (s.type) {
        case "http":
          if (s.host !== null) d.error("ZS-CLOUDRUN-HTTP-HOST", t.id, "http.host", s.host, "needs a Cloud Run domain mapping or a load balancer, which zeroscale does not create (each service has its own run.app URL)", "remove host and map your domain to the service yourself");
          if (s.methods.length > 0) d.warn("ZS-CLOUDRUN-HTTP-METHODS", t.id, "http.methods", s.methods, "cannot be enforced: a Cloud Run service takes every method on its URL", "remove methods and answer 405 in the function for the others");
          svc.http[t.id] = { path: s.path };
          if (options.allowUnauthenticated) svc.public = true;
          return;
        case "schedule":
          return schedule(t, s, svc, d);
        case "queue":
          d.error("ZS-CLOUDRUN-QUEUE", t.id, "queue.broker", s.broker, `cannot deliver to Cloud Run: ${QUEUE_REFUSAL[s.broker]}`, "deploy the consumer with keda(), knative() or docker(), or publish to Pub/Sub and trigger the function over HTTP");
          return;
        default:
          return assertNever(s, "trigger source");
      }
    },
  };

  return {
    name: "cloudrun",
    engine: "cloudrun",
    target: "cloudrun",
    capabilities: CLOUDRUN_CAPABILITIES,
    options,
    compile(graph: DeploymentGraph): CloudRunPlan {
      const d = new Diagnostics();
      const services = new Map<string, CloudRunServicePlan>();
      const builds: ImageBuild[] = [];
      const repository = repositoryToCreate(graph.app.name, options, d);
      const fns = graphIndex(graph);
      visitGraph(graph, handlers, { d, services, builds, fns });
      const errors = d.list("error");
      if (errors.length > 0) throw new BackendError("cloudrun", errors);
      const app = graph.app.name;
      const list = [...services.values()].map((s) => {
        const fn = fns.get(s.id) as FunctionNode;
        return { ...s, labels: gcpLabels({ ...graph.app.labels, ...fn.labels, "zeroscale-app": app, "zeroscale-function": s.name, "managed-by": "zeroscale" }) };
      });
      return {
        backend: "cloudrun",
        app,
        project,
        region,
        repository,
        services: list,
        builds: [...builds].sort((a, b) => (a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0)),
        warnings: [...graph.warnings, ...applySuppressions(d.list("warning"), graph.suppressions).kept],
      };
    },
    artifacts: cloudRunArtifacts,
    view: viewCloudRunPlan,
  };
}

type Index = Map<string, FunctionNode> & { triggersOf(id: string): TriggerNode[] };

function graphIndex(graph: DeploymentGraph): Index {
  const fns = new Map<string, FunctionNode>() as Index;
  const triggers = new Map<string, TriggerNode[]>();
  for (const n of graph.nodes) {
    if (n.kind === "function") fns.set(n.id, n);
    else if (n.kind === "trigger") triggers.set(n.target, [...(triggers.get(n.target) ?? []), n]);
  }
  fns.triggersOf = (id) => triggers.get(id) ?? [];
  return fns;
}

/** With createRegistry: the Artifact Registry repository `registry` names (it must be one). */
function repositoryToCreate(app: string, options: CloudRunOptions, d: Diagnostics): CloudRunPlan["repository"] {
  if (!options.createRegistry) return null;
  const m = ARTIFACT_REGISTRY.exec(options.registry ?? "");
  if (!m) {
    d.error("ZS-CLOUDRUN-REGISTRY", app, "registry", options.registry, "is not an Artifact Registry repository, so createRegistry cannot create it", 'give registry as "<region>-docker.pkg.dev/<project>/<repository>", e.g. "europe-west1-docker.pkg.dev/my-project/shop"');
    return null;
  }
  return { location: m[1] as string, project: m[2] as string, id: m[3] as string };
}

/** The plan in zeroscale's vocabulary (for the conformance suite and `zeroscale synth` summaries). */
export function viewCloudRunPlan(plan: CloudRunPlan): PlanView {
  const functions: Record<string, PlanView["functions"][string]> = {};
  for (const s of plan.services) {
    functions[s.id] = {
      ...s.scaling,
      effective: s.effective,
      triggers: [...s.triggers].sort(),
      resources: resourcesOf(s),
    };
  }
  return { functions };
}

/** The Cloud resources a service plan becomes (kind/name), as the realiser registers them. */
export function resourcesOf(s: CloudRunServicePlan): string[] {
  return [
    `Service/${s.name}`,
    `ServiceAccount/${s.serviceAccount}`,
    ...s.secrets.map((id) => `SecretIamMember/${id}`),
    ...(s.public ? ["ServiceIamMember/allUsers"] : []),
    ...(s.invoker ? [`ServiceAccount/${s.invoker}`, `ServiceIamMember/${s.invoker}`] : []),
    ...s.schedules.map((j) => `Job/${j.name}`),
  ];
}

function envOf(fn: FunctionNode): CloudRunEnv[] {
  const env: CloudRunEnv[] = Object.entries(fn.env).map(([name, value]) => ({ name, value }));
  for (const [name, ref] of Object.entries(fn.secrets)) env.push({ name, secret: { id: secretIdOf(ref.secret, ref.key), store: ref.secret, key: ref.key, version: "latest" } });
  return env.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function schedule(t: TriggerNode, s: Extract<TriggerNode["source"], { type: "schedule" }>, svc: CloudRunServicePlan, d: Diagnostics): void {
  if (s.cron.trim().split(/\s+/).length === 6) {
    d.error("ZS-CLOUDRUN-CRON-SECONDS", t.id, "schedule.cron", s.cron, "has a seconds field, which Cloud Scheduler does not support", "use a 5-field cron expression");
    return;
  }
  const body = s.data === null ? { body: "", contentType: "application/json" } : typeof s.data === "string" ? { body: s.data, contentType: "text/plain" } : { body: JSON.stringify(s.data), contentType: "application/json" };
  // The delivery model says what Cloud Scheduler runs (and warns where it differs); retryConfig is its mapping.
  for (const x of effectiveDelivery("cloudrun", t).diagnostics) d.add(x);
  const r = cloudSchedulerRetry(t.delivery as NonNullable<TriggerNode["delivery"]>);
  svc.schedules.push({
    trigger: t.id,
    name: t.name,
    cron: s.cron,
    timezone: s.timezone,
    ...body,
    attemptDeadlineSeconds: r.attemptDeadlineSeconds,
    retry: { retryCount: r.retryCount, minBackoffDuration: duration(r.minBackoffMs), maxBackoffDuration: duration(r.maxBackoffMs), maxDoublings: r.maxDoublings },
    headers: { "Content-Type": body.contentType, "ce-source": `/zeroscale/${t.id}`, "ce-specversion": "1.0", "ce-type": "dev.zeroscale.schedule" },
  });
  svc.invoker = accountIdOf(svc.name, "inv");
}

/** A google.protobuf.Duration in its JSON form: seconds with up to 3 decimals and an "s". */
function duration(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
