// Helpers for the gateway end-to-end tests: apps built from test functions, a started gateway, waits.
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { App, type ScalingPolicyOptions, ServerlessFunction, type ServerlessFunctionProps, synth } from "zeroscale";
import { type Driver, Gateway, type GatewayOptions } from "../../runtime/index.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** An app with one code function from test/fixtures/functions/echo.js on `path`. */
export function echoApp(name: string, fn: Partial<ServerlessFunctionProps> = {}, policy: ScalingPolicyOptions = {}, path = "/echo"): App {
  const app = new App({ name });
  const echo = new ServerlessFunction(app, "echo", { code: { path: "functions", handler: "echo.js#handler" }, ...fn } as ServerlessFunctionProps);
  echo.addTrigger("http", { http: { path } });
  echo.addScalingPolicy(policy);
  return app;
}

/** Start a gateway for `app` on a free port; the caller stops it. */
export async function startGateway(app: App, driver: Driver, opts: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const gateway = new Gateway(synth(app), { driver, port: 0, adminPort: 0, logger: pino({ level: process.env["ZS_TEST_LOG"] ?? "silent" }), ...opts });
  await gateway.start();
  return gateway;
}

/** Poll `check` every 100 ms until it returns true or `timeoutMs` passes; returns whether it did. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
