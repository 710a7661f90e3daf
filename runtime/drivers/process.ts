import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FunctionNode } from "../../lib/index.js";
import { formatConflict } from "../runner/format.js";
import { moduleType, runnerPath } from "./paths.js";
import { describeExit, type Driver, DriverError, type ExitInfo, type Instance, type InstanceSpec } from "./types.js";
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
    const conflict = formatConflict(file);
    if (conflict) throw new DriverError(`${fn.id}: ${conflict}`);
    runnerPath();
  }

  handlerFile(fn: FunctionNode): string {
    const src = fn.source as Extract<FunctionNode["source"], { type: "code" }>;
    return resolve(this.baseDir, src.path, src.file);
  }

  /**
   * Spawn the runner and resolve once it listens: it binds PORT=0 (unless the spec names a port) and
   * sends the bound port over IPC (`process.send({ port })`), so no port is picked and released
   * before use. A runner that exits first (a handler that throws on import) rejects with its exit
   * code and the first line of its stderr.
   */
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
        PORT: String(spec.port ?? 0),
        ZEROSCALE_HOST: "127.0.0.1",
        ZEROSCALE_HANDLER: join(resolve(this.baseDir, src.path), src.file),
        ZEROSCALE_EXPORT: src.export,
        ZEROSCALE_HANDLER_FORMAT: moduleType(join(resolve(this.baseDir, src.path), src.file)), // the same decision on every runtime
      },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let firstStderr: string | undefined;
    for (const stream of ["stdout", "stderr"] as const) {
      let buf = "";
      child[stream]?.setEncoding("utf8");
      child[stream]?.on("data", (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          if (stream === "stderr" && firstStderr === undefined && line.trim() !== "") firstStderr = readableLine(line);
          this.log(spec.fn.id, stream, line);
          buf = buf.slice(nl + 1);
        }
      });
    }
    const exited = new Promise<ExitInfo>((done) => {
      const finish = (code: number | null, signal: string | null) => {
        // Let the last stderr chunk arrive (it usually says why).
        setImmediate(() => done({ code, signal, stderr: firstStderr }));
      };
      if (child.exitCode !== null || child.signalCode !== null) finish(child.exitCode, child.signalCode);
      child.once("exit", (code, signal) => finish(code, signal));
      child.once("error", (e) => done({ code: null, signal: null, stderr: e.message }));
    });
    const port = await new Promise<number>((ok, fail) => {
      child.on("message", (m: unknown) => {
        const p = (m as { port?: unknown } | null)?.port;
        if (typeof p === "number") ok(p);
      });
      void exited.then((info) => fail(new DriverError(`${spec.fn.id}: the runner exited before listening (${describeExit(info)})`)));
    });
    child.channel?.unref(); // the IPC channel must not keep the gateway alive
    return {
      id,
      port,
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

/** A runner's JSON log line ({"msg":"runner failed to start","error":"..."}) as "msg: error"; other lines as they are. */
export function readableLine(line: string): string {
  try {
    const o = JSON.parse(line) as { msg?: unknown; error?: unknown };
    if (typeof o.msg === "string") return typeof o.error === "string" ? `${o.msg}: ${o.error.split("\n")[0]}` : o.msg;
  } catch {
    // not JSON
  }
  return line.trim().slice(0, 500);
}
