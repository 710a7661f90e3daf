// The api function: a Fetch-style handler; its image is the zeroscale runner serving it on $PORT.
export async function handler(request) {
  const url = new URL(request.url);
  return Response.json({ function: "api", path: url.pathname, uid: process.getuid?.() ?? null });
}
