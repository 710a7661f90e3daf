// The peer of `zeroscale synth bench/apps/many.ts --backend knative --single-file`: a cdk8s 2.70 program
// emitting the same Knative Service and HTTPRoute for each of N functions (ZS_BENCH_FUNCTIONS), into
// <ZS_BENCH_OUT>/knative/manifests.yaml, byte-identical to zeroscale's file (bench/run.ts diffs the folders).
//
// Every object is an ApiObject in one Chart, written by cdk8s's own App.synth() and Yaml (the `yaml` package
// cdk8s bundles). Three cdk8s-level settings make the bytes match zeroscale's:
// - CDK8S_DISABLE_SORT (cdk8s's documented switch): keys in the order they are written, not sorted;
// - metadata is always key-sorted by cdk8s, so each object re-states it in zeroscale's order with a JsonPatch;
// - the chart hands cdk8s's Yaml writer yaml Documents instead of plain objects: the first one starts with
//   "---", and a schema tag tells the `yaml` package which strings to double-quote (zeroscale quotes every
//   string that is not [A-Za-z_/][A-Za-z0-9_./-]*, or is a YAML 1.1 boolean/null).
// No YAML text is written by hand here. ZS_CDK8S_PLAIN=1 drops the three settings (the same objects in cdk8s's
// own format: sorted keys, its quoting, no leading "---"): the benchmark's reference for what they cost.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ApiObject, App, Chart, JsonPatch, YamlOutputType } from "cdk8s";

const plain = process.env.ZS_CDK8S_PLAIN === "1";
if (!plain) process.env.CDK8S_DISABLE_SORT = "1";
const YAML = createRequire(createRequire(import.meta.url).resolve("cdk8s"))("yaml");

const n = Number(process.env.ZS_BENCH_FUNCTIONS ?? "1000");
const out = process.env.ZS_BENCH_OUT ?? "out/cdk8s";
const APP = "bench";
const NAMESPACE = "default";

const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 8);
const dnsName = (path) => `${path.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")}-${hash(path)}`;

/** Strings zeroscale's emitter double-quotes; the tag makes the `yaml` package quote exactly those. */
const quoted = {
  tag: "tag:zeroscale.dev,2026:quoted",
  default: true,
  test: /^(?![A-Za-z_/][A-Za-z0-9_./-]*$)|^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[eE][-+0-9_.].*|_[-+0-9_.].*)$/,
  resolve: (s) => s,
};

/** One chart whose objects reach cdk8s's Yaml writer as yaml Documents (style set per document). */
class ManifestChart extends Chart {
  toJson() {
    return super.toJson().map((object, i) => {
      const doc = new YAML.Document(object, { version: "1.1", customTags: [quoted] });
      doc.directives.docStart = i === 0;
      return doc;
    });
  }
}

/** An ApiObject whose metadata keeps the key order it is given (cdk8s sorts metadata keys otherwise). */
function object(scope, id, props) {
  const o = new ApiObject(scope, id, props);
  if (!plain) o.addJsonPatch(JsonPatch.replace("/metadata", props.metadata));
  return o;
}

const app = new App({ outdir: join(out, "knative"), outputFileExtension: ".yaml", yamlOutputType: YamlOutputType.FILE_PER_CHART });
const chart = plain ? new Chart(app, "manifests") : new ManifestChart(app, "manifests");
// zeroscale writes the functions sorted by name (so "fn10" before "fn2"); so does this program.
const functions = Array.from({ length: n }, (_, i) => ({ i, path: `${APP}/fn${i}`, name: dnsName(`${APP}/fn${i}`) }));
functions.sort((a, b) => (a.name < b.name ? -1 : 1));
for (const { i, path, name } of functions) {
  const labels = (component) => ({ "app.kubernetes.io/component": component, "app.kubernetes.io/managed-by": "zeroscale", "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": APP });
  const annotations = (p) => ({ "zeroscale.dev/app": APP, "zeroscale.dev/owner": path, "zeroscale.dev/path": p });
  const resources = { cpu: "250m", memory: "256Mi" };
  object(chart, `fn${i}`, {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name, namespace: NAMESPACE, labels: labels("function"), annotations: annotations(path) },
    spec: {
      template: {
        metadata: {
          labels: labels("function"),
          annotations: {
            "autoscaling.knative.dev/class": "kpa.autoscaling.knative.dev",
            "autoscaling.knative.dev/metric": "concurrency",
            "autoscaling.knative.dev/target": "100",
            "autoscaling.knative.dev/target-utilization-percentage": "70",
            "autoscaling.knative.dev/min-scale": "0",
            "autoscaling.knative.dev/max-scale": "10",
            "autoscaling.knative.dev/initial-scale": "1",
            "autoscaling.knative.dev/window": "60s",
            "autoscaling.knative.dev/panic-window-percentage": "10",
            "autoscaling.knative.dev/panic-threshold-percentage": "200",
            "autoscaling.knative.dev/scale-to-zero-pod-retention-period": "30s",
          },
        },
        spec: {
          containerConcurrency: 100,
          timeoutSeconds: 300,
          containers: [
            {
              name: "function",
              image: "registry.example.com/bench/fn:1.0.0",
              ports: [{ name: "http1", containerPort: 8080 }],
              env: [],
              resources: { limits: { ...resources }, requests: { ...resources } },
              readinessProbe: { httpGet: { path: "/" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                runAsUser: 65532,
                seccompProfile: { type: "RuntimeDefault" },
              },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: {} }],
        },
      },
    },
  });
  object(chart, `fn${i}-http`, {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: dnsName(`${path}/http`), namespace: NAMESPACE, labels: labels("route"), annotations: annotations(`${path}/http`) },
    spec: {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "zeroscale-gateway", namespace: NAMESPACE }],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: `/fn${i}` } }],
          filters: [{ type: "URLRewrite", urlRewrite: { hostname: `${name}.${NAMESPACE}.svc.cluster.local` } }],
          backendRefs: [{ group: "", kind: "Service", name: "kourier-internal", namespace: "kourier-system", port: 80 }],
        },
      ],
    },
  });
}
app.synth();
