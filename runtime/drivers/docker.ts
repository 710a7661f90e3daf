import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { createServer } from "node:net";
import Docker from "dockerode";
import { type FunctionNode, parseQuantityValue } from "../../lib/index.js";
import { formatConflict } from "../runner/format.js";
import { moduleType, packageRoot, RUNNER_FILES, runnerPath } from "./paths.js";
import { type LogSink, readableLine } from "./process.js";
import { type Driver, DriverError, type ExitInfo, type Instance, type InstanceSpec } from "./types.js";
import { containerUsage } from "./usage.js";

/** Options of the {@link DockerDriver}. */
export interface DockerDriverOptions {
  /** Folder that `build.context` and `code.path` are relative to (the program's folder). */
  readonly baseDir: string;
  /** The engine. @default the local socket (/var/run/docker.sock or DOCKER_HOST) */
  readonly docker?: Docker;
  /** Image `code` functions run in (node at /usr/bin/node). Built from this machine's node when missing. @default "zeroscale/node:20" */
  readonly baseImage?: string;
  /** Where instance output goes. */
  readonly log?: LogSink;
}

/** Labels every container carries, so a restarted gateway finds and removes its own. */
export const LABEL_APP = "zeroscale.dev/app";
export const LABEL_FUNCTION = "zeroscale.dev/function";

/**
 * Instances as containers on a Docker engine (dockerode): host networking, listening on the port
 * the gateway assigns through $PORT on 127.0.0.1; `image` functions run as given, `build` functions
 * are built by the engine, `code` functions run the zeroscale runner in a local node image.
 */
export class DockerDriver implements Driver {
  readonly kind = "docker" as const;
  readonly docker: Docker;
  private readonly baseImage: string;
  private readonly images = new Map<string, string>();
  private runnerDir: string | undefined;

  constructor(private readonly o: DockerDriverOptions) {
    this.docker = o.docker ?? new Docker();
    this.baseImage = o.baseImage ?? "zeroscale/node:20";
  }

  /** True when a Docker engine answers within `timeoutMs`. */
  static async reachable(docker: Docker = new Docker(), timeoutMs = 1500): Promise<boolean> {
    try {
      await Promise.race([docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs))]);
      return true;
    } catch {
      return false;
    }
  }

  async prepare(fn: FunctionNode): Promise<void> {
    const src = fn.source;
    if (src.type === "image") {
      if (!(await this.hasImage(src.image))) {
        try {
          await this.pull(src.image);
        } catch (e) {
          throw new DriverError(`${fn.id}: image ${src.image} is not on this Docker engine and could not be pulled (${(e as Error).message.split("\n")[0]}); build or load it first (docker build / docker load)`);
        }
      }
      this.images.set(fn.id, src.image);
    } else if (src.type === "code") {
      const file = resolve(this.o.baseDir, src.path, src.file);
      if (!existsSync(file)) throw new DriverError(`${fn.id}: code.handler file ${file} does not exist`);
      const conflict = formatConflict(file);
      if (conflict) throw new DriverError(`${fn.id}: ${conflict}`);
      await this.ensureBaseImage();
      this.images.set(fn.id, this.baseImage);
      this.prepareRunner();
    } else {
      const tag = `zeroscale-local/${fn.name}:dev`;
      await this.build(fn, resolve(this.o.baseDir, src.context), src.dockerfile, src.args, tag);
      this.images.set(fn.id, tag);
    }
  }

  async start(spec: InstanceSpec): Promise<Instance> {
    const fn = spec.fn;
    const image = this.images.get(fn.id);
    if (!image) throw new DriverError(`${fn.id}: prepare() was not called`);
    // Host networking: the driver picks the port (the engine cannot report a port bound inside).
    const port = spec.port ?? (await freePort());
    const env: Record<string, string> = { ...spec.env, PORT: String(port), ZEROSCALE_HOST: "127.0.0.1" };
    const binds: string[] = [];
    let cmd: string[] | undefined = fn.args ? [...fn.args] : undefined;
    let entrypoint: string[] | undefined = fn.command ? [...fn.command] : undefined;
    if (fn.source.type === "code") {
      const codeDir = resolve(this.o.baseDir, fn.source.path);
      // The format detected here, on the host (where a package.json above the code folder is visible),
      // told to the runner and to node: /app/package.json says the same "type".
      const format = moduleType(join(codeDir, fn.source.file));
      const pkg = join(this.runnerDir as string, `app-${format}.json`);
      binds.push(`${codeDir}:/app/code:ro`, `${pkg}:/app/package.json:ro`, `${this.runnerDir}:/zeroscale/runner:ro`);
      env["ZEROSCALE_HANDLER"] = `/app/code/${fn.source.file}`;
      env["ZEROSCALE_EXPORT"] = fn.source.export;
      env["ZEROSCALE_HANDLER_FORMAT"] = format;
      entrypoint = ["/usr/bin/node"];
      cmd = ["/zeroscale/runner/serve.js"];
    }
    const s = fn.security;
    const container = await this.docker.createContainer({
      name: `zs-${fn.name}-${randomBytes(3).toString("hex")}`,
      Image: image,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      ...(entrypoint ? { Entrypoint: entrypoint } : {}),
      ...(cmd ? { Cmd: cmd } : {}),
      ...(s.runAsUser !== null ? { User: String(s.runAsUser) } : {}),
      Labels: { [LABEL_APP]: spec.app, [LABEL_FUNCTION]: fn.id },
      HostConfig: {
        NetworkMode: "host",
        Init: true,
        Binds: binds,
        Memory: Math.round(parseQuantityValue(fn.memory) ?? 256 * 2 ** 20),
        NanoCpus: Math.round((parseQuantityValue(fn.cpu) ?? 0.25) * 1e9),
        ReadonlyRootfs: s.readOnlyRootFilesystem,
        Tmpfs: { "/tmp": "rw,size=64m" },
        CapDrop: ["ALL"],
        SecurityOpt: s.allowPrivilegeEscalation ? [] : ["no-new-privileges"],
      },
    });
    const output = { firstStderr: undefined as string | undefined };
    const exited = container.wait({ condition: "next-exit" }).then(
      async (r: { StatusCode?: number }): Promise<ExitInfo> => {
        await new Promise((ok) => setTimeout(ok, 50)); // the last log lines (why it exited)
        return { code: r.StatusCode ?? null, signal: null, stderr: output.firstStderr };
      },
      () => undefined,
    );
    await container.start();
    this.follow(container, fn.id, output);
    return {
      id: container.id.slice(0, 12),
      port,
      exited,
      async stop(graceMs: number) {
        await container.stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) }).catch(() => undefined);
        await container.remove({ force: true }).catch(() => undefined);
      },
      usage: () => containerUsage(container),
    };
  }

  async cleanup(app: string): Promise<number> {
    removeOrphanRunnerDirs();
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_APP}=${app}`] } });
    await Promise.all(list.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    return list.length;
  }

  private follow(container: Docker.Container, fnId: string, output: { firstStderr: string | undefined }): void {
    const log = this.o.log ?? (() => {});
    void container.logs({ follow: true, stdout: true, stderr: true }).then((stream) => {
      const sink = (name: "stdout" | "stderr") => {
        let buf = "";
        return {
          write(chunk: Buffer) {
            buf += chunk.toString("utf8");
            let nl: number;
            while ((nl = buf.indexOf("\n")) >= 0) {
              const line = buf.slice(0, nl);
              if (name === "stderr" && output.firstStderr === undefined && line.trim() !== "") output.firstStderr = readableLine(line);
              log(fnId, name, line);
              buf = buf.slice(nl + 1);
            }
            return true;
          },
        };
      };
      this.docker.modem.demuxStream(stream, sink("stdout") as never, sink("stderr") as never);
    }, () => undefined);
  }

  private async hasImage(name: string): Promise<boolean> {
    try {
      await this.docker.getImage(name).inspect();
      return true;
    } catch {
      return false;
    }
  }

  private pull(name: string): Promise<void> {
    return new Promise((resolvePull, reject) => {
      this.docker.pull(name, (err: Error | null, stream: NodeJS.ReadableStream) => {
        if (err) return reject(err);
        this.docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolvePull()));
      });
    });
  }

  private async ensureBaseImage(): Promise<void> {
    if (await this.hasImage(this.baseImage)) return;
    const script = join(packageRoot(), "scripts/make-node-image.sh");
    await new Promise<void>((ok, fail) => {
      const p = spawn("bash", [script, this.baseImage], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      p.stderr.on("data", (c: Buffer) => (err += c.toString()));
      p.on("exit", (code) => (code === 0 ? ok() : fail(new DriverError(`building the base image ${this.baseImage} failed: ${err.trim().split("\n").pop()}`))));
      p.on("error", (e) => fail(new DriverError(`building the base image ${this.baseImage} failed: ${e.message}`)));
    });
  }

  /**
   * Remove the runner folder this driver made (instances it started must be stopped first). Called by
   * the gateway's stop(); also done at process exit, and cleanup() removes those of dead processes.
   * A later prepare() makes a new one.
   */
  close(): void {
    if (!this.runnerDir) return;
    removeRunnerDir(this.runnerDir);
    this.runnerDir = undefined;
  }

  /** A folder with the runner and package.json files telling node how to read /app/code. */
  private prepareRunner(): void {
    if (this.runnerDir) return;
    const dir = mkdtempSync(join(tmpdir(), `${RUNNER_DIR_PREFIX}${process.pid}-`));
    liveRunnerDirs.add(dir);
    if (liveRunnerDirs.size === 1) process.once("exit", removeLiveRunnerDirs);
    chmodSync(dir, 0o755); // readable by the non-root user the container runs as
    const root = packageRoot();
    for (const [name, f] of Object.entries(RUNNER_FILES)) copyFileSync(join(root, f), join(dir, name)); // serve.js imports the other two
    writeFileSync(join(dir, "package.json"), '{"type":"module"}\n');
    writeFileSync(join(dir, "app-module.json"), '{"type":"module"}\n');
    writeFileSync(join(dir, "app-commonjs.json"), '{"type":"commonjs"}\n');
    this.runnerDir = dir;
  }

  private async build(fn: FunctionNode, context: string, dockerfile: string, args: Readonly<Record<string, string>>, tag: string): Promise<void> {
    if (!existsSync(join(context, dockerfile))) throw new DriverError(`${fn.id}: ${join(context, dockerfile)} does not exist`);
    const stream = await this.docker.buildImage({ context, src: listFiles(context) }, { t: tag, dockerfile, buildargs: { ...args }, rm: true });
    const lines: string[] = [];
    await new Promise<void>((ok, fail) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, out: { error?: string }[]) => {
          const failed = err?.message ?? out.find((o) => o.error)?.error;
          if (failed) fail(new DriverError(`${fn.id}: docker build of ${context} failed: ${failed.trim()}\n${lines.slice(-5).join("")}`));
          else ok();
        },
        (e: { stream?: string }) => e.stream && lines.push(e.stream),
      );
    });
  }
}

/** Runner folders: `$TMPDIR/zeroscale-runner-<pid>-XXXXXX`, removed with their driver or process. */
const RUNNER_DIR_PREFIX = "zeroscale-runner-";
const liveRunnerDirs = new Set<string>();

function removeRunnerDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveRunnerDirs.delete(dir);
}

function removeLiveRunnerDirs(): void {
  for (const dir of liveRunnerDirs) rmSync(dir, { recursive: true, force: true });
  liveRunnerDirs.clear();
}

/** Runner folders left by processes that died without their exit handler (SIGKILL). */
function removeOrphanRunnerDirs(): void {
  const tmp = tmpdir();
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${RUNNER_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      if (statSync(join(tmp, name)).uid !== process.getuid?.()) continue; // only our own
      rmSync(join(tmp, name), { recursive: true, force: true });
    } catch {
      // gone already, or not ours to remove
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, another user's
  }
}

function listFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === ".git") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(root, p, out);
    else out.push(relative(root, p));
  }
  return out;
}


/** A free loopback port (host networking: the container binds it). */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}
