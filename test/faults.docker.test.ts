// The fault suite's Docker subset (issue 13): the same guarantees with instances as containers (host
// networking, loopback only). The containers report executions to a collector on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { DockerDriver, type Gateway } from "../runtime/index.js";
import { assertGuarantees, faultsApp, Ledger, send } from "./faults/harness.js";
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
const start = async (name: string, fns: Parameters<typeof faultsApp>[2]) => {
  ledger = new Ledger();
  app = name;
  gateway = await startGateway(faultsApp(name, ledger, fns, await ledger.collect()), new DockerDriver({ baseDir: FIXTURES, docker }));
  return gateway;
};

describe.skipIf(!hasDocker)("fault suite (Docker driver)", () => {
  it("a burst of 200 from zero: every one answered once, none executed twice", async () => {
    const g = await start("fd-burst", { f: { fn: { concurrency: 50 }, policy: { maxInstances: 3 } } });
    const out = await Promise.all(Array.from({ length: 200 }, () => send(g, "/f?ms=20")));
    assertGuarantees(ledger, out, [200]);
    expect(ledger.executions().size, "every request reached the ledger").toBe(200);
  }, 60_000);

  it("a crash mid-request: exactly one 502, executed once; the next request is served", async () => {
    const g = await start("fd-crash", { f: { fn: { concurrency: 1 } } });
    assertGuarantees(ledger, [await send(g, "/f")], [200]);
    const crash = await send(g, "/f?crash=1", { method: "POST", body: "x" });
    assertGuarantees(ledger, [crash], [502]);
    expect(ledger.executions().get(crash.id)).toBe(1);
    assertGuarantees(ledger, [await send(g, "/f", { method: "POST", body: "y" })], [200]);
  }, 60_000);

  it("a client that leaves while its request waits for a cold start: never executed", async () => {
    const g = await start("fd-left", { f: { handler: "faults-slow-start.js#handler", fn: { env: { START_MS: "1500" } } } });
    const leavers = await Promise.all(Array.from({ length: 3 }, () => send(g, "/f", { abortAfterMs: 200 })));
    await new Promise((r) => setTimeout(r, 2500));
    const stayer = await send(g, "/f");
    assertGuarantees(ledger, [...leavers, stayer], [200], { departed: leavers.map((o) => o.id) });
  }, 60_000);
});
