// The fault suite's Docker subset (issue 13): the same guarantees with instances as containers (host
// networking, loopback only). The containers report executions to a collector on 127.0.0.1. Once per
// data plane (issue 19): the Node data plane, and HAProxy in front of the gateway (its activator).
import { afterEach, beforeAll, describe, expect, it as vitestIt } from "vitest";
import { DockerDriver, type Gateway } from "../runtime/index.js";
import { assertGuarantees, faultsApp, Ledger, send } from "./faults/harness.js";
import { PLANES, type PlaneName } from "./faults/planes.js";
import { containersOf, docker, hasDocker } from "./support/docker.js";
import { FIXTURES, startGateway } from "./support/gateway.js";

let gateway: Gateway | undefined;
let ledger: Ledger;
let app = "";
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await ledger.close();
  expect(await containersOf(app), "containers left after stop").toEqual([]);
});
let plane: PlaneName = "node";
const start = async (name: string, fns: Parameters<typeof faultsApp>[2]) => {
  ledger = new Ledger();
  app = name;
  gateway = await startGateway(faultsApp(name, ledger, fns, await ledger.collect()), new DockerDriver({ baseDir: FIXTURES, docker }), { dataPlane: plane });
  return gateway;
};

describe.skipIf(!hasDocker).each(PLANES)("fault suite (Docker driver, $plane data plane)", ({ plane: name, runs }) => {
  beforeAll(() => {
    plane = name;
  });
  const it = vitestIt.skipIf(!runs);
  const haproxy = name === "haproxy";
  it("a burst of 200 from zero: every one answered once, none executed twice", async () => {
    const g = await start(`fd-burst-${name}`, { f: { fn: { concurrency: 50 }, policy: { maxInstances: 3 } } });
    const out = await Promise.all(Array.from({ length: 200 }, () => send(g, "/f?ms=20")));
    assertGuarantees(ledger, out, [200]);
    expect(ledger.executions().size, "every request reached the ledger").toBe(200);
  }, 60_000);

  it(`a crash mid-request: exactly one 502${haproxy ? " (HAProxy's page, at once: the next request waits until the gateway saw the exit, else it may meet the dying instance's last accepted connection and get its own 502)" : ""}, executed once; the next request is served`, async () => {
    const g = await start(`fd-crash-${name}`, { f: { fn: { concurrency: 1 } } });
    assertGuarantees(ledger, [await send(g, "/f")], [200]);
    const exited = new Promise<void>((resolve) => g.on("instance", (e: { state: string }) => (e.state === "failed" || e.state === "stopped") && resolve()));
    const crash = await send(g, "/f?crash=1", { method: "POST", body: "x" });
    if (haproxy) await exited;
    assertGuarantees(ledger, [crash], [502]);
    expect(ledger.executions().get(crash.id)).toBe(1);
    assertGuarantees(ledger, [await send(g, "/f", { method: "POST", body: "y" })], [200]);
  }, 60_000);

  it("a client that leaves while its request waits for a cold start: never executed", async () => {
    const g = await start(`fd-left-${name}`, { f: { handler: "faults-slow-start.js#handler", fn: { env: { START_MS: "1500" } } } });
    const leavers = await Promise.all(Array.from({ length: 3 }, () => send(g, "/f", { abortAfterMs: 200 })));
    await new Promise((r) => setTimeout(r, 2500));
    const stayer = await send(g, "/f");
    assertGuarantees(ledger, [...leavers, stayer], [200], { departed: leavers.map((o) => o.id) });
  }, 60_000);
});
