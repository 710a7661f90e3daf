// The handler file the test/invalid/ programs with a code source point at (code.path "src").
export async function handler(request) {
  return new Response(`hello from ${new URL(request.url).pathname}`);
}

export default handler;
