// The shared trivial upstream of the data-plane benchmark: one node:http process (no cluster) on 127.0.0.1,
// answering every request with 200 "ok" (keep-alive). Prints {"port": N, "pid": N} once listening.
import { createServer } from "node:http";

const body = Buffer.from("ok");
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 75_000;
server.headersTimeout = 76_000;
server.listen(Number(process.argv[2] ?? "0"), "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port, pid: process.pid }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
