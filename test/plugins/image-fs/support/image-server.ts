import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A loopback HTTP server that serves one image and the awkward cases around it. */
export interface ImageServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Paths requested so far, in order. */
  requests: string[];
}

/** Size of the bodies of /huge and /huge-announced: 3 MiB. */
export const HUGE_BYTES = 3 * 1024 * 1024;

function* hugeBody(): Generator<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  for (let sent = 0; sent < HUGE_BYTES; sent += chunk.length) yield chunk;
}

function sendHuge(response: ServerResponse, announce: boolean): void {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (announce) headers['content-length'] = String(HUGE_BYTES);
  response.writeHead(200, headers);
  // The driver closes the connection at its size limit, which ends the pipeline with ERR_STREAM_PREMATURE_CLOSE.
  pipeline(Readable.from(hugeBody()), response).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  });
}

/**
 * Starts the server on 127.0.0.1, port 0, serving `imageFile` at /disk.qcow2, and
 * stops it when the test ends. /redirect-ok redirects to /disk.qcow2 on the same
 * origin, /redirect-away to the same file at http://localhost:<port> (another host
 * name for the allow-list), /huge streams 3 MiB without a length, /huge-announced
 * announces 3 MiB, /truncated announces 512 KiB and closes after 100 KiB, /stall
 * sends 1 KiB and then nothing, and any other path is 404.
 */
export async function startImageServer(t: Teardown, imageFile: string): Promise<ImageServer> {
  const image = readFileSync(imageFile);
  const requests: string[] = [];
  let port = 0;

  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    requests.push(url);
    if (url === '/disk.qcow2') {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(image.length) });
      response.end(image);
    } else if (url === '/redirect-ok') {
      response.writeHead(302, { location: '/disk.qcow2' });
      response.end();
    } else if (url === '/redirect-away') {
      response.writeHead(302, { location: `http://localhost:${port}/disk.qcow2` });
      response.end();
    } else if (url === '/truncated') {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(512 * 1024) });
      response.write(Buffer.alloc(100 * 1024, 0x5a), () => response.destroy());
    } else if (url === '/stall') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(1024, 0x5a));
    } else if (url === '/huge' || url === '/huge-announced') {
      sendHuge(response, url === '/huge-announced');
    } else {
      response.writeHead(404);
      response.end('not found');
    }
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return { origin: `http://127.0.0.1:${port}`, port, requests };
}
