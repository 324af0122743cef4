import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequestOptions {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  /** Defaults to a new connection for each request. */
  agent?: http.Agent | false;
  /** Sends the body with chunked transfer encoding, without a Content-Length. */
  chunked?: boolean;
}

/** Sends one HTTP request with `body` as the bytes of its body, on a new connection unless an agent is given. */
export function postRaw(url: string, body: string | Buffer, options: RawRequestOptions = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'POST',
        path: options.path ?? target.pathname,
        headers: { 'Content-Type': 'text/xml', ...options.headers },
        agent: options.agent ?? false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    if (options.chunked) {
      // A write before end, with no Content-Length, makes Node send the body in chunks.
      request.write(body);
      request.end();
    } else {
      request.end(body);
    }
  });
}

/** Returns the faultCode of an XML-RPC fault response, or undefined when the body is not a fault. */
export function faultCode(body: string): number | undefined {
  if (!body.includes('<fault>')) return undefined;
  const match = /<name>faultCode<\/name>\s*<value>\s*<(?:i4|int)>(-?\d+)<\/(?:i4|int)>/.exec(body);
  return match ? Number(match[1]) : undefined;
}

/** Builds a method call body from `<value>` contents, such as `<string>x</string>`. */
export function methodCall(method: string, values: string[]): string {
  const params = values.map((value) => `<param><value>${value}</value></param>`).join('');
  return `<?xml version="1.0"?>\n<methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>\n`;
}

/** Escapes text for an XML element. */
export function xmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export interface RawExchange {
  /** Everything the server sent, as text. */
  received: string;
  /** Whether the server closed the connection before `waitMs` ran out. */
  closedByServer: boolean;
  /** Milliseconds from connecting to the server closing the connection, or to giving up. */
  elapsedMs: number;
}

/**
 * Opens a TCP connection, writes `chunks` one by one, and waits up to `waitMs` for the
 * server to close the connection. The socket is destroyed when the wait runs out.
 */
export function exchangeRaw(url: string, chunks: Array<string | Buffer>, waitMs: number): Promise<RawExchange> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(target.port), target.hostname);
    let received = '';
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received, closedByServer, elapsedMs: Date.now() - started });
    };

    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}
