import type { FunctionNode } from "../../lib/index.js";

/** What a driver needs to start one instance of a function. */
export interface InstanceSpec {
  readonly app: string;
  readonly fn: FunctionNode;
  /**
   * Port the instance must listen on, on 127.0.0.1. Omitted (the gateway's default): the driver picks
   * one itself and reports it as `Instance.port` (the process driver has the runner bind port 0 and
   * read back the bound port, so no port is released before use).
   */
  readonly port?: number;
  /** Environment for the instance: the function's env, resolved secrets, PORT. */
  readonly env: Readonly<Record<string, string>>;
}

/** A running (or starting) instance. */
export interface Instance {
  readonly id: string;
  readonly port: number;
  /** Host the gateway reaches it on. @default "127.0.0.1" */
  readonly host?: string;
  /** Settles when the instance has exited, for whatever reason; with how, when the driver knows. */
  readonly exited: Promise<ExitInfo | void>;
  /** Stop it: SIGTERM, then kill after `graceMs`; removes what it made (containers). */
  stop(graceMs: number): Promise<void>;
  /**
   * What it has used so far: CPU seconds since it started (user + system, its whole process tree)
   * and resident memory now, in bytes. Null when it cannot be measured (not running, no /proc).
   */
  usage(): Promise<InstanceUsage | null>;
}

/** How an instance exited. */
export interface ExitInfo {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: string | null;
  /** The first line of its stderr, if it wrote any (why a start failed, usually). */
  readonly stderr?: string | undefined;
}

/** "code 1: <first stderr line>" / "signal SIGKILL" / "exited". */
export function describeExit(info: ExitInfo | void | undefined): string {
  if (!info) return "exited";
  const how = info.code !== null ? `code ${info.code}` : info.signal ? `signal ${info.signal}` : "exited";
  return info.stderr ? `${how}: ${info.stderr}` : how;
}

/** One reading of an instance's resource use. */
export interface InstanceUsage {
  /** CPU time used since the instance started, seconds (monotonic while it runs). */
  readonly cpuSeconds: number;
  /** Memory in use now, bytes (resident set; for containers the cgroup's usage without inactive page cache). */
  readonly memoryBytes: number;
}

/** Runs instances: as child processes, or as containers. Both pass test/drivers.test.ts. */
export interface Driver {
  readonly kind: "process" | "docker";
  /** Make a function runnable (build images); throws a DriverError saying what to install or fix. */
  prepare(fn: FunctionNode): Promise<void>;
  start(spec: InstanceSpec): Promise<Instance>;
  /** Remove anything a previous run of this app left behind. */
  cleanup(app: string): Promise<number>;
  /** Release what the driver made on this machine (temp folders), after its instances stopped. */
  close?(): void | Promise<void>;
  /**
   * Why instances' `usage()` cannot be measured on this machine at all (e.g. no /proc), checked once
   * before serving; undefined when it can (or when only a running instance can tell).
   */
  usageUnmeasurable?(): string | undefined;
}

/** A driver cannot run a function; the message says what to do. */
export class DriverError extends Error {
  override readonly name = "DriverError";
}
