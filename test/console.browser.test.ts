// The web console in a real browser: playwright-core driving Debian's Chromium (/usr/bin/chromium, which
// .ci/run installs; never a downloaded browser) against a running Gateway (process driver) whose
// function log lines feed gateway.live.log as `zeroscale dev` does. The graph renders with every
// function; a burst of requests shows in the instance chart and the request count; a 500 shows as an
// error with its log line; "fire now" delivers the schedule's event; the cost panel shows non-zero
// instance-seconds. Skips only outside CI when Chromium is absent. Also checks that the docs'
// screenshots (npm run screenshots) exist.
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vcpuOf } from "../lib/cost/index.js";
import { type Gateway, ProcessDriver } from "../runtime/index.js";
import { consoleDemoApp } from "../scripts/console-screenshots.js";
import { FIXTURES, startGateway } from "./support/gateway.js";

// The page's DOM as far as these checks read it (the project compiles without lib "dom"; the callbacks run in the page).
interface PageElement {
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  querySelector(selector: string): PageElement | null;
  scrollIntoView(): void;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement> };

const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
if (!present && process.env["CI"] === "true") throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

describe.skipIf(!present)("web console in Chromium", () => {
  let gw: Gateway;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    let g: Gateway | undefined;
    const driver = new ProcessDriver(FIXTURES, (fn, stream, line) => g?.live.log({ at: Date.now(), fn, stream, level: stream === "stderr" ? "error" : "info", line }));
    g = gw = await startGateway(consoleDemoApp("console-ui"), driver);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-background-networking"] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    // Every request the page makes stays on the admin listener (no CDN).
    page.on("request", (r) => !r.url().startsWith(gw.adminUrl) && errors.push(`off-site request ${r.url()}`));
    await page.goto(`${gw.adminUrl}/`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("draws the graph with every function, trigger and policy, and the dead-letter edge", async () => {
    const ids = await page.$$eval("#graph svg .node", (nodes) => nodes.map((n) => (n as unknown as PageElement).dataset["nodeId"]));
    expect(ids.sort()).toEqual(gw.graph.nodes.map((n) => n.id).sort());
    const fns = await page.$$eval("#graph svg .node-function", (nodes) => nodes.length);
    expect(fns).toBe(gw.graph.nodes.filter((n) => n.kind === "function").length);
    expect(await page.$$eval("#graph svg .edge-deadLetters", (e) => e.length)).toBe(1);
    expect(await page.textContent("#app-name")).toBe("console-ui");
  });

  it("shows a burst of requests in the instance chart and the request count", async () => {
    await page.click('#functions tr[data-fn="console-ui/api"]');
    const burst = await Promise.all(Array.from({ length: 24 }, () => fetch(`${gw.url}/api/burst?ms=1500`).then((r) => r.status)));
    expect(burst.every((s) => s === 200)).toBe(true);
    await page.waitForFunction(() => Number(document.querySelector('#functions tr[data-fn="console-ui/api"] td.requests')?.textContent) >= 24, undefined, { timeout: 10_000 });
    // concurrency target 2 over 24 requests in flight: more than one instance, drawn in the chart.
    await page.waitForFunction(() => Number(document.querySelector("#chart-instances")?.dataset["maxReady"] ?? "0") >= 2, undefined, { timeout: 10_000 });
    expect(await page.$$eval("#chart-instances canvas", (c) => c.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#requests tbody tr[data-fn="console-ui/api"]', (rows) => rows.length)).toBeGreaterThanOrEqual(24);
    expect(await page.$$eval("#timeline li.decision", (li) => li.length)).toBeGreaterThan(0);
  });

  it("shows a 500 as an error with the function's log line", async () => {
    expect((await fetch(`${gw.url}/api/boom`)).status).toBe(500);
    await page.waitForFunction(() => /1×500/.test(document.querySelector('#functions tr[data-fn="console-ui/api"] td.errors')?.textContent ?? ""), undefined, { timeout: 10_000 });
    await page.waitForSelector('#requests tbody tr.bad[data-status="500"]', { timeout: 5000 });
    await page.waitForFunction(() => [...document.querySelectorAll("#logs li.level-error")].some((li) => li.textContent?.includes("card declined")), undefined, { timeout: 10_000 });
    // The log filter narrows to the line.
    await page.fill("#logs-filter", "card declined");
    expect(await page.$$eval("#logs li", (li) => li.every((l) => l.textContent?.includes("card declined")))).toBe(true);
    await page.fill("#logs-filter", "");
  });

  it("fires a schedule now: its event is delivered to the function", async () => {
    await page.click('button.fire[data-trigger="console-ui/worker/nightly"]');
    await page.waitForFunction(() => /"settled": "delivered"/.test(document.querySelector("#action-result")?.textContent ?? ""), undefined, { timeout: 15_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('#logs li[data-fn="console-ui/worker"]')].some((li) => li.textContent?.includes("event dev.zeroscale.schedule")), undefined, { timeout: 10_000 });
  });

  it("invokes a route from the page", async () => {
    await page.click('#functions tr[data-fn="console-ui/api"]');
    await page.fill('#invoke-form input[name="path"]', "/api/from-console");
    await page.click('#invoke-form button[type="submit"]');
    await page.waitForFunction(() => /"status": 200/.test(document.querySelector("#action-result")?.textContent ?? "") && /from-console/.test(document.querySelector("#action-result")?.textContent ?? ""), undefined, { timeout: 10_000 });
  });

  it("shows non-zero instance-seconds in the cost panel, and recomputes with edited prices", async () => {
    await page.waitForFunction(() => Number(document.querySelector('#cost tr[data-fn="console-ui/api"] td.instance-seconds')?.textContent) > 0, undefined, { timeout: 10_000 });
    expect(await page.textContent("#prices-source")).toContain("cloud.google.com/run/pricing");
    await page.fill('#prices input[name="vcpuSecond"]', "1");
    await page.fill('#prices input[name="gibSecond"]', "0");
    // At 1 USD per vCPU-second and nothing for memory, the scaled cost is the vCPU-seconds.
    const node = gw.graph.nodes.find((n) => n.id === "console-ui/api");
    const vcpu = vcpuOf(node?.kind === "function" ? node.cpu : "0");
    await page.waitForFunction(
      (vcpu) => {
        const row = document.querySelector('#cost tr[data-fn="console-ui/api"]');
        const secs = Number(row?.querySelector("td.instance-seconds")?.textContent);
        const cost = Number((row?.querySelector("td.actual")?.textContent ?? "").replace("$", ""));
        return secs > 0 && Math.abs(cost - secs * vcpu) <= 0.1 * vcpu + secs * vcpu * 0.05;
      },
      vcpu,
      { timeout: 10_000 },
    );
    await page.click("#prices-reset");
  });

  it("raised no page errors and made no off-site request", () => {
    expect(errors, errors.join("\n")).toEqual([]);
  });
});

describe("console screenshots (npm run screenshots)", () => {
  it("are in docs/images", () => {
    for (const name of ["console-overview", "console-function", "console-cost"]) {
      const file = fileURLToPath(new URL(`../docs/images/${name}.png`, import.meta.url));
      expect(existsSync(file), `${file}: run npm run screenshots`).toBe(true);
      expect(statSync(file).size).toBeGreaterThan(10_000);
    }
  });
});
