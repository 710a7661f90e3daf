// The web function: a plain node:http server. Platforms tell it where to listen: $PORT (default 8080)
// on $ZEROSCALE_HOST (default all interfaces, what a container on a cluster needs; zeroscale dev sets
// 127.0.0.1 for host-networked containers).
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? "8080");
const host = process.env.ZEROSCALE_HOST ?? "0.0.0.0";

const server = createServer((req, res) => {
  const body = JSON.stringify({ function: "web", path: req.url, uid: process.getuid?.() ?? null });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 75_000; // above any proxy's idle timeout in front of it (zeroscale's gateway uses 5 s)
server.listen(port, host, () => console.log(`web listening on ${host}:${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
