// The runtime API client (a fake HAProxy stats socket on a Unix path), `show stat` parsing, the UDP
// request log (receiver and line parser) and the binary lookup.
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { locateHaproxy, LogReceiver, parseLogLine, parseShowStat, RuntimeApi, RuntimeApiError, RuntimeApiUnavailable } from "../runtime/gateway/haproxy/index.js";

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake stats socket: answers each line with `answer(line)` and closes (HAProxy's non-interactive mode); `null` = never answer. */
async function fakeSocket(answer: (line: string) => string | null): Promise<{ path: string; seen: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "zs-hapi-"));
  dirs.push(dir);
  const path = join(dir, "api.sock");
  const seen: string[] = [];
  const server = createServer({ allowHalfOpen: true }, (c) => {
    let buf = "";
    c.on("data", (d) => {
      buf += d.toString();
      if (!buf.endsWith("\n")) return;
      seen.push(buf.trimEnd());
      const a = answer(buf.trimEnd());
      if (a !== null) c.end(a);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(path, () => r()));
  return { path, seen };
}

const CSV = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other
zs_b_f,s0,0,0,1,1,1,12,0,0,,0,,0,0,0,0,UP,1,1,0,,0,5,0,,1,3,1,,12,,2,0,,1,,,,0,11,0,1,0,0
zs_b_f,s1,0,0,0,0,1,0,0,0,,0,,0,0,0,0,MAINT,1,1,0,,0,5,5,,1,3,2,,0,,2,0,,0,,,,0,0,0,0,0,0
zs_b_f,activator,0,0,0,0,,3,0,0,,0,,1,0,0,0,UP,1,0,1,,0,5,0,,1,3,3,,3,,2,0,,1,,,,0,2,0,0,1,0
zs_b_f,BACKEND,2,2,1,1,100,15,0,0,0,0,,1,0,0,0,UP,1,1,1,,0,5,0,,1,3,0,,15,,1,0,,1,,,,0,13,0,1,1,0
`;

describe("parseShowStat", () => {
  it("reads the rows by the header's column names", () => {
    const rows = parseShowStat(CSV);
    expect(rows.map((r) => `${r.pxname}/${r.svname}`)).toEqual(["zs_b_f/s0", "zs_b_f/s1", "zs_b_f/activator", "zs_b_f/BACKEND"]);
    expect(rows[0]).toMatchObject({ type: 2, scur: 1, stot: 12, status: "UP", hrsp_2xx: 11, hrsp_4xx: 1, bck: false });
    expect(rows[1]).toMatchObject({ status: "MAINT", scur: 0 });
    expect(rows[2]).toMatchObject({ bck: true, econ: 1, hrsp_5xx: 1 });
    expect(rows[3]).toMatchObject({ type: 1, qcur: 2, stot: 15 });
    expect(parseShowStat("")).toEqual([]);
  });
});

describe("RuntimeApi", () => {
  it("sends one command, returns the answer; an error answer is a RuntimeApiError", async () => {
    const sock = await fakeSocket((line) => (line.includes("nope") ? "No such server.\n\n" : line === "show info" ? "Name: HAProxy\nPid: 42\n\n" : "\n"));
    const api = new RuntimeApi(sock.path);
    expect(await api.command("show info")).toContain("Pid: 42");
    const err = await api.command("set server zs_b_f/nope state ready").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeApiError);
    expect((err as RuntimeApiError).answer).toContain("No such server.");
    expect((err as Error).message).toContain("set server zs_b_f/nope state ready");
    await expect(api.command("a; b")).rejects.toThrow(/one command at a time/);
  });

  it("batches commands with ';' in one exchange", async () => {
    const sock = await fakeSocket((line) => (line.includes("s9") ? "\nNo such server.\n" : "\n\n"));
    const api = new RuntimeApi(sock.path);
    await api.commands(["set server be/s0 addr 127.0.0.1 port 9000", "set server be/s0 state ready"]);
    expect(sock.seen).toEqual(["set server be/s0 addr 127.0.0.1 port 9000;set server be/s0 state ready"]);
    await expect(api.commands(["set server be/s0 state ready", "set server be/s9 state ready"])).rejects.toBeInstanceOf(RuntimeApiError);
    expect(await api.commands([])).toBe("");
  });

  it("times out on a socket that never answers, and says when there is no socket", async () => {
    const sock = await fakeSocket(() => null);
    await expect(new RuntimeApi(sock.path, 100).command("show info")).rejects.toBeInstanceOf(RuntimeApiUnavailable);
    await expect(new RuntimeApi(join(tmpdir(), "zs-no-such-dir", "api.sock"), 100).command("show info")).rejects.toThrow(/ENOENT/);
  });
});

describe("request log", () => {
  it("parses the raw lines of LOG_FORMAT", () => {
    expect(parseLogLine("zs1 zs_b_f s0 200 12 GET /api/x\n")).toEqual({ backend: "zs_b_f", server: "s0", status: 200, ms: 12, method: "GET", path: "/api/x" });
    expect(parseLogLine("zs1 zs_public <NOSRV> 404 0 GET /nope#22x")).toMatchObject({ server: "<NOSRV>", status: 404, path: '/nope"x' });
    expect(parseLogLine("zs1 zs_b_f activator -1 -1 POST /a")).toMatchObject({ status: -1, ms: -1 });
    expect(parseLogLine("<134>something else")).toBeUndefined();
  });

  it("receives datagrams on 127.0.0.1 and hands each parsed line to the listeners", async () => {
    const rx = new LogReceiver();
    const port = await rx.start();
    const got: string[] = [];
    const off = rx.onLine((l) => got.push(`${l.backend} ${l.status} ${l.path}`));
    const tx = createSocket("udp4");
    for (const m of ["zs1 be s0 200 3 GET /a", "garbage", "zs1 be s1 503 9 POST /b"]) await new Promise<void>((r) => tx.send(m, port, "127.0.0.1", () => r()));
    for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(["be 200 /a", "be 503 /b"]);
    expect(rx.dropped).toBe(1);
    off();
    tx.close();
    await rx.close();
  });
});

describe("locateHaproxy", () => {
  it("takes the option, else PATH; a missing one names apt-get install haproxy and --data-plane node", () => {
    const dir = mkdtempSync(join(tmpdir(), "zs-hbin-"));
    dirs.push(dir);
    const bin = join(dir, "haproxy");
    writeFileSync(bin, "#!/bin/sh\n", { mode: 0o755 });
    expect(locateHaproxy(bin)).toBe(bin);
    expect(locateHaproxy(undefined, dir)).toBe(bin);
    expect(() => locateHaproxy(join(dir, "missing"))).toThrow(/apt-get install haproxy.*--data-plane node/);
  });
});
