import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { RuntimeApi, RuntimeApiError } from "./runtime-api.js";

/**
 * One HAProxy process in master-worker mode (`-W -db`), with its own temp folder (config file,
 * stats socket, master CLI socket): start, reload (master CLI `reload`), soft stop. Its output is
 * kept (the last 16 KiB) and quoted in every error.
 */

/** Options of a {@link HaproxyProcess}. */
export interface HaproxyProcessOptions {
  /** The haproxy binary; else `haproxy` on PATH, then /usr/sbin/haproxy (Debian's, often off a user's PATH). */
  readonly binary?: string | undefined;
  /** Longest the soft stop (SIGUSR1: finish what is in flight) may take before SIGTERM, ms. @default 5000 */
  readonly stopTimeoutMs?: number;
  /** Longest a start or a reload may take, ms. @default 10000 */
  readonly readyTimeoutMs?: number;
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The haproxy binary to run: the option, else PATH, else /usr/sbin/haproxy; throws saying how to install it. */
export function locateHaproxy(binary?: string, path = process.env["PATH"] ?? ""): string {
  if (binary !== undefined) {
    if (executable(binary)) return binary;
    throw new Error(`haproxy binary ${binary} is not an executable file: install HAProxy (Debian/Ubuntu: apt-get install haproxy) or run with --data-plane node`);
  }
  for (const dir of [...path.split(delimiter).filter(Boolean), "/usr/sbin", "/usr/local/sbin"]) {
    const p = join(dir, "haproxy");
    if (executable(p)) return p;
  }
  throw new Error("haproxy is not installed (not on PATH nor in /usr/sbin): install it (Debian/Ubuntu: apt-get install haproxy) or run with --data-plane node");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running HAProxy (master and worker). */
export class HaproxyProcess {
  private dirPath: string | undefined;
  private child: ChildProcess | undefined;
  private output = "";
  private exited: Promise<number | null> | undefined;
  private readonly written = new Set<string>();
  private bin: string | undefined;

  constructor(private readonly o: HaproxyProcessOptions = {}) {}

  /** The binary it runs (found by prepare()). */
  get binary(): string {
    this.bin ??= locateHaproxy(this.o.binary);
    return this.bin;
  }

  /** Find the binary and create its temp folder (once); the config may then name the sockets in it. */
  async prepare(): Promise<string> {
    void this.binary; // fails first, with what to install
    this.dirPath ??= await mkdtemp(join(tmpdir(), "zs-haproxy-"));
    return this.dirPath;
  }

  private get dir(): string {
    if (!this.dirPath) throw new Error("HaproxyProcess.prepare() first");
    return this.dirPath;
  }

  /** The admin stats socket (the runtime API) the config must declare. */
  get statsSocket(): string {
    return join(this.dir, "api.sock");
  }
  get masterSocket(): string {
    return join(this.dir, "master.sock");
  }
  /** The master's pid, while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }
  /** The runtime API of the current worker. */
  get api(): RuntimeApi {
    return new RuntimeApi(this.statsSocket);
  }
  get master(): RuntimeApi {
    return new RuntimeApi(this.masterSocket);
  }
  /** What haproxy wrote to stdout and stderr lately. */
  get log(): string {
    return this.output;
  }

  private async write(name: string, text: string): Promise<string> {
    const p = join(this.dir, name);
    await writeFile(p, text, { mode: 0o600 });
    this.written.add(p);
    return p;
  }

  /** Check a config with `haproxy -c`; throws with haproxy's own words. */
  async check(config: string): Promise<void> {
    const p = await this.write("check.cfg", config);
    await new Promise<void>((resolve, reject) => {
      execFile(this.binary, ["-c", "-q", "-f", p], { timeout: 10_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`haproxy refused its configuration: ${`${stdout}${stderr}`.trim() || err.message}`));
        else resolve();
      });
    });
  }

  /** Write and check the config, start haproxy, and wait until its runtime API answers. */
  async start(config: string): Promise<void> {
    await this.prepare();
    await this.check(config);
    const cfg = await this.write("haproxy.cfg", config);
    this.written.add(this.statsSocket).add(this.masterSocket);
    const child = spawn(this.binary, ["-W", "-db", "-f", cfg, "-S", `${this.masterSocket},mode,600`], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // The gateway exiting takes its haproxy along: on "exit", and, for a gateway killed outright, a
    // watchdog shell that reads its stdin (a pipe from here) and stops haproxy when it closes.
    const onExit = () => child.kill("SIGTERM");
    process.once("exit", onExit);
    const watchdog = child.pid === undefined ? undefined : spawn("/bin/sh", ["-c", 'read _; kill -TERM "$0" 2>/dev/null', String(child.pid)], { stdio: ["pipe", "ignore", "ignore"] });
    watchdog?.on("error", () => undefined);
    watchdog?.unref();
    (watchdog?.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null | undefined)?.unref?.();
    child.once("exit", () => {
      process.off("exit", onExit);
      watchdog?.kill("SIGKILL"); // before its pid could be reused
    });
    const keep = (c: Buffer) => {
      this.output = (this.output + c.toString("utf8")).slice(-16_384);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.once("error", (e) => {
        keep(Buffer.from(`\n${e.message}`));
        resolve(null);
      });
    });
    const deadline = Date.now() + (this.o.readyTimeoutMs ?? 10_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`haproxy exited at start (${child.exitCode ?? child.signalCode}): ${this.output.trim()}`);
      try {
        await this.api.command("show info");
        return;
      } catch {
        if (Date.now() > deadline) {
          await this.stop();
          throw new Error(`haproxy's runtime API did not answer within ${this.o.readyTimeoutMs ?? 10_000} ms: ${this.output.trim()}`);
        }
        await sleep(20);
      }
    }
  }

  /** The current worker's pid (`show info`). */
  async workerPid(): Promise<number> {
    const m = /^Pid: (\d+)/m.exec(await this.api.command("show info"));
    if (!m) throw new Error("haproxy's show info has no Pid");
    return Number(m[1]);
  }

  /** Pids of the workers still finishing after a reload (the master's `show proc`), the current one excluded. */
  async oldWorkers(): Promise<number[]> {
    const text = await this.master.command("show proc");
    const old = text.split("# old workers")[1]?.split("#")[0] ?? "";
    return old.split("\n").map((l) => l.trim().split(/\s+/)[0] ?? "").filter((pid) => /^\d+$/.test(pid)).map(Number);
  }

  /**
   * Check `config`, make it the config file and reload: the master starts a new worker on it (the
   * listening sockets pass over, nothing is refused) and the old one finishes its connections.
   * Resolves once the new worker answers on the stats socket.
   */
  async reload(config: string): Promise<void> {
    await this.check(config);
    const before = await this.workerPid();
    const next = await this.write("haproxy.cfg.next", config);
    await rename(next, join(this.dir, "haproxy.cfg"));
    this.written.delete(next);
    const failedBefore = await this.failedReloads();
    try {
      await this.master.command("reload");
    } catch (e) {
      if (e instanceof RuntimeApiError) throw e; // the master closes the connection as it re-executes: that is no error
    }
    const deadline = Date.now() + (this.o.readyTimeoutMs ?? 10_000);
    let fresh = false;
    for (;;) {
      await sleep(20);
      try {
        // The master answers again once it has re-executed; a failed reload counts in its `show proc`.
        const failed = await this.failedReloads();
        if (failed > failedBefore) throw new Error(`haproxy's reload failed (the old worker goes on serving the old config): ${this.output.trim()}`);
        fresh ||= (await this.workerPid()) !== before;
        if (fresh) return;
      } catch (e) {
        if (e instanceof Error && e.message.startsWith("haproxy's reload failed")) throw e;
        // the master re-executes, or the stats socket is between workers
      }
      if (Date.now() > deadline) throw new Error(`haproxy did not start a new worker within ${this.o.readyTimeoutMs ?? 10_000} ms of a reload: ${this.output.trim()}`);
    }
  }

  /** Failed reloads so far (the master's `show proc`: `[failed: N]`). */
  private async failedReloads(): Promise<number> {
    const m = /\[failed: (\d+)\]/.exec(await this.master.command("show proc"));
    return m ? Number(m[1]) : 0;
  }

  /** Soft stop (SIGUSR1; in-flight requests finish) within the bound, then SIGTERM, then SIGKILL; removes its files. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = this.exited as Promise<number | null>;
      const within = (ms: number) => Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
      child.kill("SIGUSR1");
      if (!(await within(this.o.stopTimeoutMs ?? 5000))) {
        child.kill("SIGTERM");
        if (!(await within(1000))) {
          child.kill("SIGKILL");
          await exited;
        }
      }
    }
    this.child = undefined;
    if (this.dirPath) {
      for (const p of this.written) await rm(p, { force: true });
      await rmdir(this.dirPath).catch(() => undefined); // something else put a file there: leave it
      this.dirPath = undefined;
      this.written.clear();
    }
  }
}
