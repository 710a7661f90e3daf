// npm run screenshots: starts a Gateway (process driver) for a small demo app built from the console test
// fixture (test/fixtures/functions/console.js), sends it some traffic (a burst, a 500, a fired
// schedule), and takes screenshots of the web console with Debian's Chromium (playwright-core,
// /usr/bin/chromium) into docs/images/console-*.png for docs/local-runtime.md.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { App, ServerlessFunction, synth } from "../lib/index.js";
import { Gateway, ProcessDriver } from "../runtime/index.js";

// The page's DOM as far as these checks read it (the project compiles without lib "dom"; the callbacks run in the page).
interface PageElement {
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  querySelector(selector: string): PageElement | null;
  scrollIntoView(): void;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement> };

/** The demo app: an API on /api, a worker on a schedule with a dead-letter function, and optionally a Redis queue trigger. */
export function consoleDemoApp(name: string, o: { queue?: { url: string; name: string } } = {}): App {
  const app = new App({ name });
  const code = { path: "functions", handler: "console.js#handler" };
  const api = new ServerlessFunction(app, "api", { code });
  api.addTrigger("web", { http: { path: "/api" } });
  api.addScalingPolicy({ maxInstances: 4, metric: { concurrency: 2 }, idleTimeout: "5s" });
  const dead = new ServerlessFunction(app, "dead", { code, memory: "128Mi", cpu: "250m" });
  const worker = new ServerlessFunction(app, "worker", { code, memory: "256Mi", cpu: "500m" });
  worker.addTrigger("nightly", { schedule: { cron: "0 3 1 1 *", timezone: "UTC" }, delivery: { retries: 1, backoff: { policy: "linear", delay: "100ms" }, deadLetter: dead } });
  if (o.queue) worker.addTrigger("orders", { queue: { broker: "redis", connection: o.queue.url, name: o.queue.name, consumerGroup: "console" } });
  return app;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { chromium } = await import("playwright-core");
  const fixtures = fileURLToPath(new URL("../test/fixtures/", import.meta.url));
  const out = fileURLToPath(new URL("../docs/images/", import.meta.url));
  mkdirSync(out, { recursive: true });
  let gw: Gateway | undefined;
  const driver = new ProcessDriver(fixtures, (fn, stream, line) => gw?.live.log({ at: Date.now(), fn, stream, level: stream === "stderr" ? "error" : "info", line }));
  gw = new Gateway(synth(consoleDemoApp("shop-demo")), { driver, port: 0, adminPort: 0, logger: pino({ level: "silent" }) });
  await gw.start();
  const browser = await chromium.launch({ executablePath: process.env["CHROMIUM"] ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`${gw.adminUrl}/`);
    await page.waitForSelector("body[data-ready=true]");
    // Traffic: a few quiet seconds, a burst that scales out, a 500, a fired schedule, an invoke.
    for (let i = 0; i < 3; i++) {
      await fetch(`${gw.url}/api/catalog`);
      await sleep(700);
    }
    await Promise.all(Array.from({ length: 30 }, (_, i) => fetch(`${gw.url}/api/checkout?ms=${1200 + (i % 5) * 200}`)));
    await fetch(`${gw.url}/api/boom`);
    await fetch(`${gw.adminUrl}/actions/fire`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ trigger: "shop-demo/worker/nightly" }) });
    await Promise.all(Array.from({ length: 12 }, () => fetch(`${gw!.url}/api/cart?ms=800`)));
    await sleep(3000);
    await page.click('#functions tr[data-fn="shop-demo/api"]');
    await page.fill('#invoke-form input[name="path"]', "/api/cart");
    await page.click('#invoke-form button[type="submit"]');
    await sleep(1500);
    await page.screenshot({ path: `${out}console-overview.png`, fullPage: false });
    await (await page.$("#function-panel"))!.screenshot({ path: `${out}console-function.png` });
    await (await page.$("#cost-section"))!.screenshot({ path: `${out}console-cost.png` });
    await page.evaluate(() => document.querySelector("#timeline-section")?.scrollIntoView());
    await page.screenshot({ path: `${out}console-logs.png`, fullPage: false });
    console.log(`wrote ${out}console-{overview,function,cost,logs}.png`);
  } finally {
    await browser.close();
    await gw.stop();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
