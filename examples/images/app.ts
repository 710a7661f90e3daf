// examples/images: the two kinds of function zeroscale builds an image for, built and pushed with
// `zeroscale build app.ts --registry <r>` (docs/images.md): a code function (the runner plus the
// handler, on a node base image) and a build function (its own Dockerfile).
import { App, EventTrigger, ServerlessFunction } from "zeroscale";

export const app = new App({ name: "images" });

// A Fetch-style handler: zeroscale generates its Dockerfile. Paths are relative to this file's folder.
export const api = new ServerlessFunction(app, "api", {
  code: { path: "src", handler: "index.js#handler" },
  memory: "128Mi",
  cpu: "100m",
});

// Its own Dockerfile: a plain node:http server on $PORT, as a non-root user. BASE_IMAGE picks the image
// it is built FROM (node:20-bookworm-slim unless given: `--build-arg BASE_IMAGE=...` overrides it).
export const web = new ServerlessFunction(app, "web", {
  build: { context: "server", args: { BASE_IMAGE: "node:20-bookworm-slim" } },
  memory: "128Mi",
  cpu: "100m",
});

new EventTrigger(app, "api-http", { target: api, http: { path: "/api" } });
new EventTrigger(app, "web-http", { target: web, http: { path: "/" } });

export default app;
