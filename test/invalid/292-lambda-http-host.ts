// Invalid: lambda http host. Expected: ZS-LAMBDA-HTTP-HOST at bad/fn/h (http.host).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-HTTP-HOST", path: "bad/fn/h", prop: "http.host", message:
    "bad/fn/h: http.host (\"api.example.com\") cannot be routed: lambda() creates no custom domain (certificate and DNS) for the API; remove host (routes then match on the API's own host), and map your domain to the API yourself.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0", timeout: Duration.seconds(30) });
fn.addTrigger("h", { http: { path: "/a", host: "api.example.com" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
