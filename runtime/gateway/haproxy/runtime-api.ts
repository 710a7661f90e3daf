import { connect } from "node:net";

/**
 * A client of HAProxy's runtime API over its Unix stats socket (one connection per call, the
 * socket's non-interactive mode: send the command line, read until HAProxy closes).
 */

/** HAProxy answered a command with an error (e.g. "No such server."). */
export class RuntimeApiError extends Error {
  constructor(
    readonly command: string,
    readonly answer: string,
  ) {
    super(`haproxy refused "${command}": ${answer.trim()}`);
  }
}

/** The socket did not answer in time, or could not be reached. */
export class RuntimeApiUnavailable extends Error {
  constructor(
    readonly socketPath: string,
    message: string,
  ) {
    super(`haproxy's runtime API at ${socketPath}: ${message}`);
  }
}

/** Answers that mean a command failed (set server, disable, ...); the others are data or empty. */
const ERRORS = [/^'[^']*' expects/im, /^No such (server|backend|proxy)/im, /^Unknown command/im, /^Require '[^']*'/im, /^Permission denied/im, /^'[^']*' only supports/im, /^Invalid /im, /^Can't /im, /^Cannot /im];

/** Whether a command's answer is an error. */
export function isErrorAnswer(answer: string): boolean {
  return ERRORS.some((re) => re.test(answer));
}

/** Send one line (commands already joined) and read the whole answer. */
function exchange(socketPath: string, line: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new RuntimeApiUnavailable(socketPath, `no answer to "${line.slice(0, 80)}" within ${timeoutMs} ms`));
    }, timeoutMs);
    s.on("connect", () => s.end(`${line}\n`)); // half-closed: HAProxy answers, then closes (the master CLI waits for it)
    s.on("data", (c: Buffer) => chunks.push(c));
    s.on("error", (e) => {
      clearTimeout(timer);
      reject(new RuntimeApiUnavailable(socketPath, e.message));
    });
    s.on("close", (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

/** The runtime API of one HAProxy process (or of the master, on the master CLI socket). */
export class RuntimeApi {
  constructor(
    readonly socketPath: string,
    private readonly timeoutMs = 2000,
  ) {}

  /** Run one command; throws RuntimeApiError when HAProxy answers with an error. */
  async command(cmd: string): Promise<string> {
    if (/[\n;]/.test(cmd)) throw new Error(`one command at a time, without ";" or a newline: ${JSON.stringify(cmd)}`);
    const answer = await exchange(this.socketPath, cmd, this.timeoutMs);
    if (isErrorAnswer(answer)) throw new RuntimeApiError(cmd, answer);
    return answer;
  }

  /**
   * Run several commands in one exchange (`;`-separated, in order). HAProxy runs them all and
   * concatenates the answers; when any of them is an error, throws RuntimeApiError naming the batch.
   */
  async commands(cmds: readonly string[]): Promise<string> {
    if (cmds.length === 0) return "";
    for (const c of cmds) if (/[\n;]/.test(c)) throw new Error(`a command without ";" or a newline: ${JSON.stringify(c)}`);
    const answer = await exchange(this.socketPath, cmds.join(";"), this.timeoutMs);
    if (isErrorAnswer(answer)) throw new RuntimeApiError(cmds.join(";"), answer);
    return answer;
  }
}

/** One row of `show stat` (the fields the data plane reads; numbers 0 when empty). */
export interface StatRow {
  readonly pxname: string;
  readonly svname: string;
  /** 0 frontend, 1 backend, 2 server, 3 listener. */
  readonly type: number;
  readonly qcur: number;
  readonly scur: number;
  readonly stot: number;
  readonly econ: number;
  readonly eresp: number;
  readonly status: string;
  readonly hrsp_1xx: number;
  readonly hrsp_2xx: number;
  readonly hrsp_3xx: number;
  readonly hrsp_4xx: number;
  readonly hrsp_5xx: number;
  /** Whether the server is a backup one. */
  readonly bck: boolean;
}

/** Parse `show stat` CSV (header line `# pxname,svname,...`) into rows; unknown columns are ignored. */
export function parseShowStat(csv: string): StatRow[] {
  const lines = csv.split("\n").map((l) => l.trimEnd());
  const header = lines.find((l) => l.startsWith("# "));
  if (!header) return [];
  const cols = header.slice(2).split(",");
  const idx = new Map(cols.map((c, i) => [c, i]));
  const rows: StatRow[] = [];
  for (const line of lines) {
    if (line.length === 0 || line.startsWith("#")) continue;
    const f = line.split(",");
    const str = (name: string) => f[idx.get(name) ?? -1] ?? "";
    const num = (name: string) => {
      const v = Number(str(name));
      return Number.isFinite(v) ? v : 0;
    };
    rows.push({
      pxname: str("pxname"),
      svname: str("svname"),
      type: num("type"),
      qcur: num("qcur"),
      scur: num("scur"),
      stot: num("stot"),
      econ: num("econ"),
      eresp: num("eresp"),
      status: str("status"),
      hrsp_1xx: num("hrsp_1xx"),
      hrsp_2xx: num("hrsp_2xx"),
      hrsp_3xx: num("hrsp_3xx"),
      hrsp_4xx: num("hrsp_4xx"),
      hrsp_5xx: num("hrsp_5xx"),
      bck: num("bck") > 0,
    });
  }
  return rows;
}
