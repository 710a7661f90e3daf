/**
 * The per-kind templates of the Kubernetes backends' manifests (Knative and KEDA): each kind's
 * object shape, field by field in the order the handlers build it, compiled once per process into
 * a document emitter (./yaml-shapes.ts). {@link manifestYaml} writes a manifest through its kind's
 * template, and through the generic {@link toYaml} when the kind has none or the object does not
 * match its template (a field added to a handler but not here): the bytes are the same either way,
 * only the speed differs. test/emit-yaml.test.ts compares the two on every app it can find.
 */
import { toYaml } from "./emit-yaml.js";
import { any, arr, bool, compileDocument, type DocumentEmitter, mapOf, num, obj, type Shape, str, strings } from "./yaml-shapes.js";

const metadata = obj({ name: str, namespace: str, labels: strings, annotations: strings });
const envVar = obj({ name: str, value: str, valueFrom: obj({ secretKeyRef: obj({ name: str, key: str }) }) });
const cpuMemory = obj({ cpu: str, memory: str });
const probe = obj({ httpGet: obj({ path: str, port: num }), periodSeconds: num });
/** Every container zeroscale writes: the function's (pod.ts functionContainer), a dispatcher's, a CronJob's sender. */
const container = obj({
  name: str,
  image: str,
  command: arr(str),
  args: arr(str),
  ports: arr(obj({ name: str, containerPort: num, protocol: str })),
  env: arr(envVar),
  resources: obj({ limits: cpuMemory, requests: cpuMemory }),
  readinessProbe: probe,
  livenessProbe: probe,
  securityContext: obj({
    allowPrivilegeEscalation: bool,
    capabilities: obj({ drop: arr(str) }),
    readOnlyRootFilesystem: bool,
    runAsNonRoot: bool,
    runAsUser: num,
    seccompProfile: obj({ type: str }),
  }),
  volumeMounts: arr(obj({ name: str, mountPath: str })),
});
const volume = obj({ name: str, emptyDir: obj({}) });
const ref = obj({ apiVersion: str, kind: str, name: str });
const destination = obj({ ref });
const delivery = obj({ retry: num, backoffPolicy: str, backoffDelay: str, timeout: str, deadLetterSink: destination });

/** A resource: apiVersion, kind, metadata, then its spec. */
const resource = (spec: Shape): Shape & { t: "object" } => obj({ apiVersion: str, kind: str, metadata, spec }) as Shape & { t: "object" };

/** The template of each kind the Knative and KEDA handlers emit, keyed "<apiVersion>/<kind>". */
const SHAPES: Readonly<Record<string, Shape & { t: "object" }>> = {
  // Knative (providers/knative)
  "serving.knative.dev/v1/Service": resource(
    obj({
      template: obj({
        metadata: obj({ labels: strings, annotations: strings }),
        spec: obj({ containerConcurrency: num, timeoutSeconds: num, containers: arr(container), volumes: arr(volume) }),
      }),
    }),
  ),
  "gateway.networking.k8s.io/v1/HTTPRoute": resource(
    obj({
      parentRefs: arr(obj({ group: str, kind: str, name: str, namespace: str })),
      hostnames: arr(str),
      rules: arr(
        obj({
          matches: arr(obj({ path: obj({ type: str, value: str }), method: str })),
          filters: arr(obj({ type: str, urlRewrite: obj({ hostname: str }) })),
          backendRefs: arr(obj({ group: str, kind: str, name: str, namespace: str, port: num })),
        }),
      ),
    }),
  ),
  "sources.knative.dev/v1/PingSource": resource(obj({ schedule: str, timezone: str, contentType: str, data: str, sink: destination, delivery })),
  "sources.knative.dev/v1alpha1/RedisStreamSource": resource(obj({ address: str, stream: str, group: str, sink: destination, delivery })),
  "sources.knative.dev/v1beta1/KafkaSource": resource(obj({ bootstrapServers: arr(str), topics: arr(str), consumerGroup: str, sink: destination, delivery })),
  "sources.knative.dev/v1alpha1/RabbitmqSource": resource(
    obj({
      rabbitmqClusterReference: obj({ connectionSecret: obj({ name: str }) }),
      rabbitmqResourcesConfig: obj({ queueName: str, predeclared: bool, parallelism: num }),
      sink: destination,
      delivery,
    }),
  ),
  "messaging.knative.dev/v1/Channel": resource(obj({})),
  "messaging.knative.dev/v1/Subscription": resource(obj({ channel: ref, subscriber: destination, delivery })),
  // KEDA (providers/keda)
  "apps/v1/Deployment": resource(
    obj({
      selector: obj({ matchLabels: strings }),
      template: obj({
        metadata: obj({ labels: strings }),
        spec: obj({ automountServiceAccountToken: bool, terminationGracePeriodSeconds: num, containers: arr(container), volumes: arr(volume) }),
      }),
    }),
  ),
  "v1/Service": resource(obj({ type: str, selector: strings, ports: arr(obj({ name: str, port: num, targetPort: num, protocol: str })) })),
  "http.keda.sh/v1alpha1/HTTPScaledObject": resource(
    obj({
      hosts: arr(str),
      pathPrefixes: arr(str),
      scaleTargetRef: obj({ apiVersion: str, kind: str, name: str, service: str, port: num }),
      replicas: obj({ min: num, max: num }),
      scaledownPeriod: num,
      initialCooldownPeriod: num,
      scalingMetric: obj({ requestRate: obj({ targetValue: num, window: str, granularity: str }), concurrency: obj({ targetValue: num }) }),
    }),
  ),
  "keda.sh/v1alpha1/ScaledObject": resource(
    obj({
      scaleTargetRef: ref,
      pollingInterval: num,
      cooldownPeriod: num,
      initialCooldownPeriod: num,
      minReplicaCount: num,
      maxReplicaCount: num,
      fallback: any,
      advanced: obj({ horizontalPodAutoscalerConfig: obj({ behavior: obj({ scaleDown: obj({ stabilizationWindowSeconds: num }) }) }) }),
      triggers: arr(obj({ type: str, name: str, metricType: str, metadata: mapOf(str), authenticationRef: obj({ name: str }) })),
    }),
  ),
  "keda.sh/v1alpha1/TriggerAuthentication": resource(obj({ secretTargetRef: arr(obj({ parameter: str, name: str, key: str })) })),
  "batch/v1/CronJob": resource(
    obj({
      schedule: str,
      timeZone: str,
      concurrencyPolicy: str,
      successfulJobsHistoryLimit: num,
      failedJobsHistoryLimit: num,
      jobTemplate: obj({
        spec: obj({
          backoffLimit: num,
          template: obj({ spec: obj({ restartPolicy: str, automountServiceAccountToken: bool, containers: arr(container) }) }),
        }),
      }),
    }),
  ),
};

/** How many documents went through a template, and how many fell back to the generic emitter. */
export interface EmitStats {
  templated: number;
  fallback: number;
}

/** The compiled templates (compile once, e.g. per artifacts() call or per process, and reuse). */
export class ManifestTemplates {
  private readonly compiled = new Map<string, DocumentEmitter | null>();

  /** The YAML of one manifest: its kind's template, else the generic emitter (same bytes). */
  yaml(manifest: { readonly apiVersion: string; readonly kind: string }, stats?: EmitStats): string {
    const kind = `${manifest.apiVersion}/${manifest.kind}`;
    let emitter = this.compiled.get(kind);
    if (emitter === undefined) {
      const shape = SHAPES[kind];
      emitter = shape ? compileDocument(shape) : null;
      this.compiled.set(kind, emitter);
    }
    const out = emitter?.(manifest);
    if (out !== undefined) {
      if (stats) stats.templated++;
      return out;
    }
    if (stats) stats.fallback++;
    return toYaml(manifest as unknown as Record<string, unknown>);
  }
}
