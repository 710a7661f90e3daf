import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";

/**
 * HAProxy's per-request log (config.ts LOG_FORMAT, `format raw`) received over UDP on 127.0.0.1:
 * one datagram per request, `zs1 <backend> <server> <status> <ms> <method> <path>`.
 */

/** One request as HAProxy logged it. */
export interface RequestLogLine {
  /** HAProxy's backend (`%b`): the frontend's name for answers given before routing. */
  readonly backend: string;
  /** The server (`%s`): a slot `sK`, the activator, or `<NOSRV>`. */
  readonly server: string;
  /** Status sent to the client (-1 when none was). */
  readonly status: number;
  /** Total active time, ms (`%Ta`). */
  readonly ms: number;
  readonly method: string;
  /** The path without the query (`#XX` escapes of the log undone). */
  readonly path: string;
}

/** Parse one raw log line; undefined for anything that is not one of ours. */
export function parseLogLine(line: string): RequestLogLine | undefined {
  const m = /^zs1 (\S+) (\S+) (-?\d+) (-?\d+) (\S+) ?(.*)$/.exec(line.replace(/[\r\n\0]+$/, ""));
  if (!m) return undefined;
  const path = (m[6] as string).replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return { backend: m[1] as string, server: m[2] as string, status: Number(m[3]), ms: Number(m[4]), method: m[5] as string, path };
}

/** A UDP receiver of the request log. */
export class LogReceiver {
  private socket: Socket | undefined;
  private readonly listeners = new Set<(line: RequestLogLine) => void>();
  /** Datagrams that did not parse. */
  dropped = 0;

  /** Call `listener` for each parsed line; returns the unsubscribe function. */
  onLine(listener: (line: RequestLogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bind 127.0.0.1 on a free port; resolves with it. */
  start(): Promise<number> {
    const socket = createSocket("udp4");
    this.socket = socket;
    socket.on("message", (msg: Buffer) => {
      const line = parseLogLine(msg.toString("utf8"));
      if (!line) return void this.dropped++;
      for (const l of this.listeners) l(line);
    });
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => {
        socket.off("error", reject);
        socket.on("error", () => undefined);
        resolve((socket.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
}
