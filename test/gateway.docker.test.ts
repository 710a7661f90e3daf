// The gateway end to end on a real Docker engine (host networking, loopback only).
import { afterEach, describe, expect, it } from "vitest";
import { type Gateway, DockerDriver } from "../runtime/index.js";
import { containersOf, docker, hasDocker } from "./support/docker.js";
import { echoApp, FIXTURES, startGateway, waitFor } from "./support/gateway.js";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});
const driver = () => new DockerDriver({ baseDir: FIXTURES, docker });
const get = (path: string) => fetch(`${gateway?.url}${path}`);

describe.skipIf(!hasDocker)("gateway (Docker driver)", () => {
  it("wakes a containerized function from zero, serves a burst of 100 with no loss, and removes its containers on stop", async () => {
    gateway = await startGateway(echoApp("dk-burst", { concurrency: 10 }, { initialInstances: 0, maxInstances: 5 }), driver());
    expect(await containersOf("dk-burst")).toEqual([]);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => get(`/echo/${i}?ms=20`).then((r) => r.status)));
    expect(results.filter((s) => s !== 200)).toEqual([]);
    const running = await containersOf("dk-burst");
    expect(running.length).toBeGreaterThanOrEqual(1);
    expect(running.every((c) => c.HostConfig.NetworkMode === "host")).toBe(true);
    await gateway.stop();
    gateway = undefined;
    expect(await containersOf("dk-burst")).toEqual([]);
  });

  it("takes an idle function to zero with no container left, and wakes it again", async () => {
    gateway = await startGateway(echoApp("dk-idle", {}, { stableWindow: "6s", idleTimeout: "8s" }), driver(), {});
    expect((await get("/echo")).status).toBe(200);
    expect(await waitFor(async () => gateway?.status()[0]?.instances.ready === 0 && (await containersOf("dk-idle")).length === 0, 25_000)).toBe(true);
    const again = await get("/echo/again");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ path: "/echo/again" });
  });
});
