/**
 * The demo's HTTP mirror on loopback: it serves a file's headers (HEAD and one-byte Range GETs, what
 * the mirror checker sends) and, after a while, answers 451 Unavailable For Legal Reasons, so the
 * page shows a takedown (a state change and an event mark) within the first minutes. It never
 * serves a body beyond the byte asked for: there are no real weights behind it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the mirror claims to serve: a plausible size for a 65B model's first shard. */
export const DEMO_FILE_BYTES = 16_323_959_449;

export interface DemoMirror {
  url: string;
  close(): Promise<void>;
}

export async function startDemoMirror(options: { takedownAfterMs: number; nowMs?: () => number }): Promise<DemoMirror> {
  const now = options.nowMs ?? Date.now;
  const takedownAtMs = now() + options.takedownAfterMs;
  const server: Server = createServer((request, response) => {
    if (now() >= takedownAtMs) {
      response.writeHead(451, { 'content-type': 'text/plain', link: '<https://example.org/notice>; rel="blocked-by"' });
      response.end('Unavailable For Legal Reasons (swarmscope demo)\n');
      return;
    }
    const headers = { 'accept-ranges': 'bytes', etag: '"demo-consolidated-00"', 'last-modified': 'Fri, 03 Mar 2023 12:00:00 GMT', 'content-type': 'application/octet-stream' };
    if (request.method === 'HEAD') {
      response.writeHead(200, { ...headers, 'content-length': String(DEMO_FILE_BYTES) });
      response.end();
      return;
    }
    // Any GET gets the first byte only, as if it had asked for `Range: bytes=0-0`.
    response.writeHead(206, { ...headers, 'content-length': '1', 'content-range': `bytes 0-0/${DEMO_FILE_BYTES}` });
    response.end(Buffer.from([0x80]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/llama-65b/consolidated.00.pth`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
