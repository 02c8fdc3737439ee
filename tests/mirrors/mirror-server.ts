/**
 * A real HTTP server on loopback that serves a torrent's actual files as mirrors do, with HEAD and
 * Range support, plus the misbehaving mirrors the checker must survive. Routes (each a BEP 19
 * directory: `/<mirror>/<name>/<path>`):
 *   /good/       the real bytes, ETag and Last-Modified
 *   /tampered/   same sizes, one byte changed every 8 KiB of the stream (every piece differs)
 *   /takedown/   the real bytes until `takenDown` is set, then 451 Unavailable For Legal Reasons
 *   /slow/       accepts the request and never answers
 *   /wrongsize/  tokenizer.model with 100 extra bytes
 *   /shifted/    params.json's bytes rotated by one: right size, only the boundary piece differs
 *   /headless/   HEAD answers 405; a Range GET works
 *   /loop/a → /loop/b → /loop/a;  /private → 302 to http://10.1.2.3/;  /bigheader: 64 KiB of headers
 *   /forever/    ignores Range and streams 200 without end, 64 KiB every 5 ms (counts what it sent)
 * Every request is logged (method, path, Range) so tests can see what the checker asked for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { filePath, type MultiFileTorrent } from './multi-file-torrent.ts';

export interface LoggedRequest {
  method: string;
  path: string;
  range: string | null;
}

export interface MirrorServer {
  base: string;
  log: LoggedRequest[];
  takenDown: boolean;
  /** Bytes /forever/ wrote before the client went away. */
  foreverBytesSent: number;
  close(): Promise<void>;
}

type Variant = (index: number, content: Buffer) => Buffer;

function tamper(content: Buffer, startInStream: number): Buffer {
  const copy = Buffer.from(content);
  for (let offset = (8192 - (startInStream % 8192)) % 8192; offset < copy.length; offset += 8192) copy[offset]! ^= 0xff;
  return copy;
}

function serveBytes(request: IncomingMessage, response: ServerResponse, bytes: Buffer, etag: string): void {
  const headers = { 'accept-ranges': 'bytes', etag, 'last-modified': 'Wed, 01 Mar 2023 00:00:00 GMT', 'content-type': 'application/octet-stream' };
  const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), bytes.length - 1);
    if (start >= bytes.length) {
      response.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    response.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${bytes.length}` });
    response.end(request.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': bytes.length });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

export async function startMirrorServer(torrent: MultiFileTorrent): Promise<MirrorServer> {
  const offsets = torrent.files.map((_, index) => torrent.files.slice(0, index).reduce((sum, file) => sum + file.content.length, 0));
  const variants: Record<string, Variant> = {
    good: (_, content) => content,
    takedown: (_, content) => content,
    headless: (_, content) => content,
    tampered: (index, content) => tamper(content, offsets[index]!),
    wrongsize: (index, content) => (index === 2 ? Buffer.concat([content, Buffer.alloc(100)]) : content),
    shifted: (index, content) => (index === 1 ? Buffer.concat([content.subarray(1), content.subarray(0, 1)]) : content),
  };
  const byPath = new Map(torrent.files.map((file, index) => [filePath(torrent, file), index]));
  const state: MirrorServer = { base: '', log: [], takenDown: false, foreverBytesSent: 0, close: async () => {} };
  const sockets = new Set<import('node:net').Socket>();

  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    state.log.push({ method: request.method ?? '', path, range: request.headers.range ?? null });
    const [, mirror = '', ...rest] = new URL(request.url ?? '/', 'http://x').pathname.split('/');
    if (mirror === 'slow') return; // never answers
    if (mirror === 'loop') return void response.writeHead(302, { location: rest[0] === 'a' ? '/loop/b' : '/loop/a' }).end();
    if (mirror === 'private') return void response.writeHead(302, { location: 'http://10.1.2.3/llama/' }).end();
    if (mirror === 'bigheader') return void response.writeHead(200, { 'x-padding': 'a'.repeat(64 * 1024) }).end();
    if (mirror === 'forever') {
      if (request.method === 'HEAD') return void response.writeHead(200, { 'content-length': torrent.stream.length }).end();
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      // Paced (64 KiB every 5 ms), so the count is what a client could read, not what loopback socket buffers swallow.
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const timer = setInterval(() => {
        if (response.destroyed) return void clearInterval(timer);
        state.foreverBytesSent += chunk.length;
        response.write(chunk);
      }, 5);
      response.on('close', () => clearInterval(timer));
      return;
    }
    if (mirror === 'takedown' && state.takenDown) return void response.writeHead(451, { link: '<https://example.org/notice>; rel="blocked-by"' }).end();
    if (mirror === 'headless' && request.method === 'HEAD') return void response.writeHead(405, { allow: 'GET' }).end();
    const variant = variants[mirror];
    const index = byPath.get(rest.map((segment) => encodeURIComponent(decodeURIComponent(segment))).join('/'));
    if (!variant || index === undefined) return void response.writeHead(404).end();
    const bytes = variant(index, torrent.files[index]!.content);
    serveBytes(request, response, bytes, `"${mirror}-${index}-${bytes.length}"`);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.base = `http://127.0.0.1:${port}`;
  state.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
