// The peer: cdk8s emitting the same Knative Services (as ApiObjects) for N functions, to one YAML file.
import { ApiObject, App, Chart, YamlOutputType } from "cdk8s";

const n = Number(process.env.ZS_BENCH_FUNCTIONS ?? "1000");
const app = new App({ outdir: process.env.ZS_BENCH_OUT ?? "out/cdk8s", yamlOutputType: YamlOutputType.FILE_PER_CHART });
const chart = new Chart(app, "bench");
for (let i = 0; i < n; i++) {
  new ApiObject(chart, `fn${i}`, {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name: `bench-fn${i}`, namespace: "default", labels: { "app.kubernetes.io/part-of": "bench" } },
    spec: {
      template: {
        metadata: { annotations: { "autoscaling.knative.dev/min-scale": "0", "autoscaling.knative.dev/max-scale": "10", "autoscaling.knative.dev/window": "60s" } },
        spec: {
          containerConcurrency: 100,
          containers: [{ name: "function", image: "registry.example.com/bench/fn:1.0.0", ports: [{ containerPort: 8080 }], resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "250m", memory: "256Mi" } } }],
        },
      },
    },
  });
}
app.synth();
