/**
 * The Docker controller as a program (the Docker backend's controller container runs this; it alone
 * mounts the Docker socket):
 *   node /zeroscale/controller.cjs --app <app> --network-mode bridge|host [--socket /run/zeroscale/controller.sock]
 * It listens on a Unix socket in the volume it shares with the gateway and writes a fresh random
 * token next to it (unless ZEROSCALE_CONTROLLER_TOKEN gives one). See runtime/controller/protocol.ts.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createController } from "./controller/server.js";
import { CONTROLLER_SOCKET, ENV_SOCKET, ENV_TOKEN, ENV_TOKEN_FILE } from "./controller/protocol.js";

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const app = arg("app") ?? process.env["ZEROSCALE_APP"];
  if (!app) throw new Error("pass --app <app name>");
  const mode = arg("network-mode") ?? "bridge";
  if (mode !== "bridge" && mode !== "host") throw new Error(`--network-mode is bridge or host, not ${mode}`);
  const socket = arg("socket") ?? process.env[ENV_SOCKET] ?? CONTROLLER_SOCKET;
  const token = process.env[ENV_TOKEN] ?? randomBytes(32).toString("hex");
  const tokenFile = process.env[ENV_TOKEN_FILE] ?? join(dirname(socket), "token");

  const controller = createController({ app, networkMode: mode, token });
  rmSync(socket, { force: true }); // a socket left by an earlier run
  await new Promise<void>((ok, fail) => {
    controller.server.once("error", fail);
    controller.server.listen(socket, () => ok());
  });
  // The gateway runs as another user (65532) and cannot be chowned to without CAP_CHOWN: the socket
  // and token are readable in the volume, which only the controller and the gateway mount.
  chmodSync(socket, 0o666);
  if (!process.env[ENV_TOKEN]) {
    writeFileSync(`${tokenFile}.tmp`, `${token}\n`, { mode: 0o644 });
    renameSync(`${tokenFile}.tmp`, tokenFile); // atomic: the gateway never reads half a token
  }
  console.error(JSON.stringify({ level: "info", msg: "controller started", component: "controller", app, socket, networkMode: mode }));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    controller.server.close();
    controller.server.closeAllConnections();
    // The controller going away ends the app's instances too (they must not outlive it unmanaged).
    void controller.stopAll().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => {
  console.error(JSON.stringify({ level: "fatal", msg: String((e as Error)?.message ?? e), component: "controller" }));
  process.exit(1);
});
