/**
 * The gateway as a program (the Docker backend's gateway container runs this):
 *   node dist/runtime/gateway-main.js --config /etc/zeroscale/gateway.json
 * The config holds the deployment graph and the gateway settings; secrets are never in it.
 * This is the data plane: it faces traffic, runs as a non-root user on a read-only root and has no
 * Docker access; it asks the controller (runtime/controller-main.ts) over a Unix socket to start and
 * stop the app's pre-created containers.
 */
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { graphSchemaErrors } from "../lib/index.js";
import { edgeSettings, type GatewayConfig } from "./gateway-config.js";
import { ControllerDriver } from "./controller/driver.js";
import { ENV_SOCKET, ENV_TOKEN, ENV_TOKEN_FILE } from "./controller/protocol.js";
import { Gateway } from "./gateway/gateway.js";


async function main(): Promise<void> {
  const at = process.argv.indexOf("--config");
  const file = at >= 0 ? process.argv[at + 1] : process.env["ZEROSCALE_GATEWAY_CONFIG"];
  if (!file) throw new Error("pass --config <file> or set ZEROSCALE_GATEWAY_CONFIG");
  const config = JSON.parse(readFileSync(file, "utf8")) as GatewayConfig;
  const problems = graphSchemaErrors(config.graph);
  if (problems.length) throw new Error(`the gateway config's graph is invalid:\n${problems.join("\n")}`);
  const logger = pino({ level: process.env["LOG_LEVEL"] ?? "info" });
  const gateway = new Gateway(config.graph, {
    // No Docker access here: the controller (runtime/controller-main.ts) starts and stops containers.
    driver: new ControllerDriver({
      ...(process.env[ENV_SOCKET] ? { socketPath: process.env[ENV_SOCKET] } : {}),
      ...(process.env[ENV_TOKEN] ? { token: process.env[ENV_TOKEN] } : {}),
      ...(process.env[ENV_TOKEN_FILE] ? { tokenFile: process.env[ENV_TOKEN_FILE] } : {}),
    }),
    port: config.port,
    host: config.host,
    adminPort: config.adminPort,
    ...(config.scaleToZeroGracePeriodSeconds !== undefined ? { scaleToZeroGracePeriodSeconds: config.scaleToZeroGracePeriodSeconds } : {}),
    ...(config.engine ? { engine: config.engine } : {}),
    ...(config.coldStart ? { coldStart: config.coldStart } : {}),
    dataPlane: config.dataPlane ?? "node", // the Docker backend writes "haproxy" (its default)
    ...edgeSettings(config), // edge limits (docker({ headersTimeoutMs, ... })); absent ones keep the defaults
    logger,
  });
  await gateway.start();
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => {
  console.error(JSON.stringify({ level: "fatal", msg: String((e as Error)?.message ?? e) }));
  process.exit(1);
});
