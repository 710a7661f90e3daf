// Invalid: graph cycle. Expected: ZS-GRAPH-CYCLE at bad/fn ((dependencies)).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-GRAPH-CYCLE", path: "bad/fn", prop: "(dependencies)", message:
    "bad/fn: (dependencies) (\"bad/fn -> bad/fn2 -> bad/fn\") forms a dependency cycle; remove one of the addDependency calls on that cycle.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
const fn2 = new ServerlessFunction(app, "fn2", { image: "registry.example.com/bad/fn:1.0.0" });
fn.node.addDependency(fn2);
fn2.node.addDependency(fn);

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
