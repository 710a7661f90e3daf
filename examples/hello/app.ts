// examples/hello: one HTTP function that scales to zero when idle.
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction } from "zeroscale";

export const app = new App({ name: "hello" });

export const hello = new ServerlessFunction(app, "hello", {
  // A Fetch-style handler: (request: Request) => Response. Paths are relative to this file's folder.
  code: { path: "src", handler: "index.js#handler" },
  memory: "128Mi",
  cpu: "100m",
  concurrency: 50,
  env: { GREETING: "hello" },
});

new EventTrigger(app, "hello-http", { target: hello, http: { path: "/hello" } });

new ScalingPolicy(app, "hello-scaling", {
  target: hello,
  minInstances: 0, // idle-zero
  maxInstances: 5,
  metric: { concurrency: 20 },
  // Averaged over 10s; at zero 40s after the last request (on Knative: window 10s + retention 30s).
  stableWindow: Duration.seconds(10),
  idleTimeout: Duration.seconds(40),
});

export default app;
