import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { deploy } from "zeroscale/pulumi";
import { docker } from "zeroscale/providers/docker";
import { referenceApp } from "./conformance/reference-app.js";
import { FIXTURES } from "./support/gateway.js";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];
const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state = args.type === "docker:index/image:Image" ? { ...args.inputs, repoDigest: `${args.inputs["imageName"]}@sha256:0` } : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "zeroscale-test",
    "dev",
  );
});

describe("deploy(app, docker()) under Pulumi mocks", () => {
  it("registers the network, gateway image and container, function images, and pre-created containers", async () => {
    const d = deploy(referenceApp(), docker({ port: 18080 }), { secrets: { "ref-db": { url: "postgres://ref:hunter2@db/ref" } }, baseDir: FIXTURES });
    await value(pulumi.all([d.gateway.urn, ...Object.values(d.containers).map((c) => c.urn), d.app.urn]));
    const count = (type: string) => registered.filter((r) => r.type === type).length;
    expect(count("docker:index/network:Network")).toBe(1);
    expect(count("docker:index/image:Image")).toBe(2); // the gateway, and ref/steady (build)
    expect(count("docker:index/remoteImage:RemoteImage")).toBe(2); // ref/api, ref/worker
    expect(count("docker:index/container:Container")).toBe(8 + 20 + 4 + 1 + 1); // functions, the gateway, the controller
    expect(count("docker:index/volume:Volume")).toBe(1);

    const gw = registered.find((r) => r.name === "ref-gateway")?.inputs ?? {};
    expect(gw["ports"]).toEqual([{ internal: 8080, external: 18080, ip: "0.0.0.0", protocol: "tcp" }]);
    // Least privilege: the data plane has no Docker socket, runs as 65532 on a read-only root, and
    // mounts only the controller's volume, read-only.
    expect(JSON.stringify(gw)).not.toContain("docker.sock");
    expect(gw["volumes"]).toEqual([{ volumeName: "ref-zeroscale-control", containerPath: "/run/zeroscale", readOnly: true }]);
    expect(gw).toMatchObject({ user: "65532:65532", readOnly: true, capabilities: { drops: ["ALL"] }, securityOpts: ["no-new-privileges"] });
    expect(gw["privileged"]).toBeUndefined();
    // The controller alone holds the socket; it has no network and publishes nothing.
    const ctl = registered.find((r) => r.name === "ref-controller")?.inputs ?? {};
    expect(ctl["volumes"]).toEqual([
      { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" },
      { volumeName: "ref-zeroscale-control", containerPath: "/run/zeroscale" },
    ]);
    expect(ctl).toMatchObject({ entrypoints: ["node", "/zeroscale/controller.cjs"], command: ["--app", "ref", "--network-mode", "bridge"], networkMode: "none", readOnly: true, capabilities: { drops: ["ALL"] }, securityOpts: ["no-new-privileges"] });
    expect(ctl["ports"]).toBeUndefined();
    expect(ctl["envs"]).toBeUndefined();
    const withSocket = registered.filter((r) => r.type === "docker:index/container:Container" && JSON.stringify(r.inputs).includes("docker.sock"));
    expect(withSocket.map((r) => r.name)).toEqual(["ref-controller"]);
    const config = JSON.parse(gw["uploads"][0].content);
    expect(config).toMatchObject({ networkMode: "bridge", host: "0.0.0.0", port: 8080 });
    expect(JSON.stringify(config)).not.toContain("hunter2");

    const fnContainer = registered.find((r) => r.type === "docker:index/container:Container" && r.name.startsWith("ref-ref-api-"))?.inputs ?? {};
    expect(fnContainer).toMatchObject({ start: false, mustRun: false, readOnly: true, init: true, capabilities: { drops: ["ALL"] }, securityOpts: ["no-new-privileges"], memory: 256 });
    expect(fnContainer["labels"]).toEqual(expect.arrayContaining([{ label: "zeroscale.dev/function", value: "ref/api" }, { label: "zeroscale.dev/pids-limit", value: "512" }]));
    expect(fnContainer["networksAdvanced"]).toEqual([{ name: "ref-zeroscale" }]); // the app's bridge network, not the host's
    expect(fnContainer["networkMode"]).toBeUndefined();
    expect(JSON.stringify(fnContainer["labels"])).not.toContain("hunter2");

    const apiContainer = Object.entries(d.containers).find(([n]) => n.startsWith("ref-ref-api-"))?.[1];
    expect(await (apiContainer!.envs as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
    expect(await value(d.gatewayUrl)).toBe("http://localhost:18080");
    expect(await value(d.urls["ref/api/http"]!)).toBe("http://127.0.0.1:18080/api");
  });

  it("parents each function's image and containers under its component, and orders dependencies", async () => {
    const d = deploy(referenceApp(), docker({ port: 18081 }), { secrets: { "ref-db": { url: "x" } }, baseDir: FIXTURES });
    const urns = await value(pulumi.all(Object.values(d.containers).map((c) => c.urn)));
    expect(urns.every((u) => /::zeroscale:index:ServerlessFunction\$docker:index\/container:Container::/.test(u))).toBe(true);
    expect(await value(d.gateway.urn)).toMatch(/::zeroscale:index:App\$docker:index\/container:Container::ref-gateway$/);
    expect(await value(d.controller.urn)).toMatch(/::zeroscale:index:App\$docker:index\/container:Container::ref-controller$/);
  });

  it("refuses to deploy a function whose secret value was not given", () => {
    expect(() => deploy(referenceApp(), docker(), { baseDir: FIXTURES })).toThrow(/ref\/api: env DB_URL reads secret ref-db\/url; pass it in deploy\(app, docker\(\), \{ secrets:/);
  });
});
