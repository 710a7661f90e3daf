import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FunctionNode } from "../../lib/index.js";
import { runnerPath } from "./paths.js";
import { type Driver, DriverError, type Instance, type InstanceSpec } from "./types.js";
import { processTreeUsage } from "./usage.js";

/** Where instance output goes (the gateway passes its logger). */
export type LogSink = (fn: string, stream: "stdout" | "stderr", line: string) => void;

/**
 * Instances as Node child processes running a `code` function's handler through the zeroscale runner.
 * No Docker needed: the embedded default when no engine is reachable.
 */
export class ProcessDriver implements Driver {
  readonly kind = "process" as const;
  private next = 0;

  constructor(
    /** Folder that `code.path` is relative to (the program's folder). */
    private readonly baseDir: string,
    private readonly log: LogSink = () => {},
  ) {}

  async prepare(fn: FunctionNode): Promise<void> {
    if (fn.source.type !== "code") {
      throw new DriverError(
        `${fn.id}: ${fn.source.type === "image" ? `image ${fn.source.image}` : `build ${fn.source.context}`} needs a Docker engine, and none is reachable; install and start one (Debian: apt-get install docker.io && dockerd &), or use a code function`,
      );
    }
    const file = this.handlerFile(fn);
    if (!existsSync(file)) throw new DriverError(`${fn.id}: code.handler file ${file} does not exist`);
    runnerPath();
  }

  handlerFile(fn: FunctionNode): string {
    const src = fn.source as Extract<FunctionNode["source"], { type: "code" }>;
    return resolve(this.baseDir, src.path, src.file);
  }

  async start(spec: InstanceSpec): Promise<Instance> {
    const src = spec.fn.source as Extract<FunctionNode["source"], { type: "code" }>;
    const id = `${spec.fn.name}-p${++this.next}`;
    const child: ChildProcess = spawn(process.execPath, [runnerPath()], {
      cwd: resolve(this.baseDir, src.path),
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HOME: process.env["HOME"] ?? "/tmp",
        NODE_ENV: process.env["NODE_ENV"] ?? "development",
        ...spec.env,
        PORT: String(spec.port),
        ZEROSCALE_HOST: "127.0.0.1",
        ZEROSCALE_HANDLER: join(resolve(this.baseDir, src.path), src.file),
        ZEROSCALE_EXPORT: src.export,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of ["stdout", "stderr"] as const) {
      let buf = "";
      child[stream]?.setEncoding("utf8");
      child[stream]?.on("data", (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          this.log(spec.fn.id, stream, buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
    }
    const exited = new Promise<void>((done) => {
      if (child.exitCode !== null) done();
      child.once("exit", () => done());
      child.once("error", () => done());
    });
    return {
      id,
      port: spec.port,
      exited,
      async stop(graceMs: number) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
          await exited;
          clearTimeout(timer);
        }
      },
      // /proc/<pid>/stat and /status, summed over the process tree (a handler may spawn children).
      async usage() {
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return null;
        return processTreeUsage(child.pid);
      },
    };
  }

  async cleanup(): Promise<number> {
    return 0; // child processes end with the gateway
  }

  /** Usage comes from /proc (Linux only): without /proc/self/stat (macOS, Windows) it cannot be measured. */
  usageUnmeasurable(): string | undefined {
    return existsSync("/proc/self/stat") ? undefined : "process CPU and memory are read from /proc/<pid>/stat and /status, and this machine has no /proc (not Linux)";
  }
}
