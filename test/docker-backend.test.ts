import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { DOCKER_PLAN_SCHEMA, docker } from "zeroscale/providers/docker";
import { referenceApp } from "./conformance/reference-app.js";

const validatePlan = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(DOCKER_PLAN_SCHEMA);

describe("docker backend: compile", () => {
  const graph = synth(referenceApp());
  const plan = docker().compile(graph);

  it("pre-creates maxInstances containers per function, labelled with app, function, port and index", () => {
    const api = plan.containers.filter((c) => c.fn === "ref/api");
    expect(api).toHaveLength(8);
    expect(api[0]).toMatchObject({
      name: expect.stringMatching(/^ref-ref-api-[0-9a-f]{8}-0$/),
      image: "registry.example.com/ref/api:1.0.0",
      port: 8080,
      env: { PORT: "8080", ZEROSCALE_HOST: "0.0.0.0" },
      labels: { "zeroscale.dev/app": "ref", "zeroscale.dev/function": "ref/api", "zeroscale.dev/port": "8080", "zeroscale.dev/index": "0" },
      memoryMb: 256,
      pidsLimit: 512,
      cpus: 0.25,
      user: "65532",
      readOnly: true,
      noNewPrivileges: true,
    });
    expect(plan.containers.filter((c) => c.fn === "ref/worker")).toHaveLength(20);
  });

  it("keeps secrets as references: never in env, labels, the graph or the gateway config", () => {
    const api = plan.containers.find((c) => c.fn === "ref/api");
    expect(api?.secretEnv).toEqual([{ name: "DB_URL", secret: "ref-db", key: "url" }]);
    expect(api?.env["DB_URL"]).toBeUndefined();
    const files = docker().artifacts(plan);
    expect(files.map((f) => f.path)).toEqual(["plan.json", "gateway.json"]);
    const config = JSON.parse(files[1]?.content ?? "{}");
    expect(config).toMatchObject({ port: 8080, host: "0.0.0.0", networkMode: "bridge", adminPort: 9464 });
    expect(config.graph.kind).toBe("DeploymentGraph");
  });

  it("one image per function: remote for image functions, built for build and code functions", () => {
    expect(plan.images.map((i) => [i.fn, i.kind])).toEqual([
      ["ref/api", "remote"],
      ["ref/steady", "build"],
      ["ref/worker", "remote"],
    ]);
    const app = new App({ name: "c" });
    new ServerlessFunction(app, "fn", { code: { path: "src", handler: "main.js#run" } });
    const code = docker({ gatewayImage: "zeroscale/gateway:1" }).compile(synth(app));
    expect(code.images[0]).toMatchObject({ kind: "build", context: "src", dockerfile: null });
    expect(code.images[0]?.kind === "build" && code.images[0].dockerfileContent).toContain("FROM zeroscale/gateway:1\nCOPY . /app/code\nENV ZEROSCALE_HANDLER=/app/code/main.js ZEROSCALE_EXPORT=run");
    expect(docker().artifacts(code).map((f) => f.path)).toContain(`dockerfiles/${code.images[0]?.name.split("/")[1]?.split(":")[0]}.Dockerfile`);
  });

  it("least privilege: the gateway is non-root and read-only with no socket; the controller holds it; function containers get a pids limit", () => {
    expect(plan.gateway).toMatchObject({ user: "65532:65532", readOnly: true });
    expect(JSON.stringify(plan.gateway)).not.toContain("sock");
    expect(plan.controller).toEqual({ name: "ref-controller", image: "zeroscale/gateway:latest", socketPath: "/var/run/docker.sock", volume: "ref-zeroscale-control", mountPath: "/run/zeroscale", networkMode: "none", command: ["--app", "ref", "--network-mode", "bridge"] });
    expect(plan.network.mode).toBe("bridge");
    expect(plan.containers.every((c) => c.pidsLimit === 512 && c.labels["zeroscale.dev/pids-limit"] === "512")).toBe(true);
    const tight = docker({ pidsLimit: 64, socketPath: "/run/user/1000/docker.sock" }).compile(graph);
    expect(tight.containers[0]?.pidsLimit).toBe(64);
    expect(tight.controller.socketPath).toBe("/run/user/1000/docker.sock");
    expect(() => docker({ pidsLimit: 0 })).toThrow("docker({ pidsLimit: 0 }): pidsLimit must be a whole number >= 1");
    expect(docker({ networkMode: "host" }).compile(graph).controller.networkMode).toBe("host");
  });

  it("writes the data plane into the gateway config: HAProxy by default, the Node proxy when asked; anything else throws", () => {
    expect(plan.gateway.config.dataPlane).toBe("haproxy");
    expect(JSON.parse(docker().artifacts(plan)[1]?.content ?? "{}").dataPlane).toBe("haproxy");
    const node = docker({ dataPlane: "node" }).compile(graph);
    expect(node.gateway.config.dataPlane).toBe("node");
    expect(validatePlan(JSON.parse(JSON.stringify(node))), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(() => docker({ dataPlane: "nginx" as "node" })).toThrow('docker({ dataPlane: "nginx" }): dataPlane must be "haproxy" or "node"');
    // HAProxy runs as the gateway's user (65532, no capabilities): it binds the unprivileged port inside the container.
    expect(plan.gateway.config.port).toBeGreaterThan(1024);
  });

  it("host mode: everything on 127.0.0.1, one port per container", () => {
    const host = docker({ networkMode: "host", port: 18080, functionPortBase: 21000 }).compile(graph);
    expect(host.network.mode).toBe("host");
    expect(host.gateway.config).toMatchObject({ port: 18080, host: "127.0.0.1" });
    const ports = host.containers.map((c) => c.port);
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBe(21000);
    expect(host.containers.every((c) => c.env["ZEROSCALE_HOST"] === "127.0.0.1")).toBe(true);
  });

  it("writes a plan that validates against the shipped schema (and the schema rejects a broken one)", () => {
    const json = JSON.parse(JSON.stringify(plan));
    expect(validatePlan(json), JSON.stringify(validatePlan.errors)).toBe(true);
    json.containers[0].port = "8080";
    delete json.controller.socketPath;
    json.gateway.socketPath = "/var/run/docker.sock"; // the gateway has no socket, by construction
    json.gateway.user = "0";
    expect(validatePlan(json)).toBe(false);
    expect(validatePlan.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual(
      expect.arrayContaining(["/containers/0/port must be integer", "/controller must have required property 'socketPath'", "/gateway must NOT have additional properties", '/gateway/user must match pattern "^[1-9][0-9]*(:[1-9][0-9]*)?$"']),
    );
  });
});
