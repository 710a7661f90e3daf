// examples/images's own test: it imports the package the way users do. The images themselves are
// built, pushed, pulled back by digest and run in test/build.docker.test.ts.
import "zeroscale/testing/vitest";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { synth } from "zeroscale";
import { Testing } from "zeroscale/testing";
import { api, app, web } from "./app.js";

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer().once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

describe("examples/images", () => {
  const graph = synth(app);

  it("has a code function and a build function, each on its own route", () => {
    expect(app).toSynthWithoutErrors();
    expect(Testing.function(graph, "images/api").source).toEqual({ type: "code", path: "src", file: "index.js", export: "handler", runtime: "nodejs20" });
    expect(Testing.function(graph, "images/web").source).toEqual({ type: "build", context: "server", dockerfile: "Dockerfile", args: { BASE_IMAGE: "node:20-bookworm-slim" } });
    expect(api).toHaveTrigger({ http: "/api" });
    expect(web).toHaveTrigger({ http: "/" });
  });

  it("its handler answers a Fetch request", async () => {
    const { handler } = await import("./src/index.js");
    const res: Response = await handler(new Request("http://localhost/api/x"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ function: "api", path: "/api/x" });
  });

  it("its server answers 200 on $PORT", async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [fileURLToPath(new URL("./server/server.mjs", import.meta.url))], { env: { ...process.env, PORT: String(port), ZEROSCALE_HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((ok, fail) => {
        server.stdout.on("data", (c: Buffer) => c.toString().includes("listening") && ok());
        server.once("exit", (code) => fail(new Error(`server exited (${code})`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ function: "web", path: "/health" });
    } finally {
      server.kill("SIGTERM");
    }
  });
});
