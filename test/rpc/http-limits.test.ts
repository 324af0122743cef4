import { readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type Socket } from 'node:net';
import path from 'node:path';
import t from 'tap';
import { startTestDaemon, testSettings } from '../helpers/daemon.js';
import { exchangeRaw, methodCall, postRaw } from '../helpers/raw-http.js';

const BODY_LIMIT = 4096;

function limitedSettings() {
  return testSettings((settings) => {
    settings.rpc.maxBodyBytes = BODY_LIMIT;
    settings.rpc.requestTimeoutMs = 1000;
    settings.rpc.maxConnections = 4;
  });
}

function versionCall(session: string): string {
  return methodCall('one.system.version', [`<string>${session}</string>`]);
}

/** Builds a one.vm.allocate call whose template alone is longer than the body limit. */
function oversizedCall(session: string): string {
  return methodCall('one.vm.allocate', [`<string>${session}</string>`, `<string>NAME="${'x'.repeat(BODY_LIMIT)}"</string>`]);
}

t.test('body with Content-Length over limit', async (t) => {
  const { url, adminSession } = await startTestDaemon(t, { settings: limitedSettings() });

  const response = await postRaw(url, oversizedCall(adminSession));

  t.equal(response.status, 413);
  t.match(response.headers['content-type'], /^text\/plain/);
  t.match(response.body, /exceeds the limit of 4096 bytes/);
  t.match(response.body, /RPC\/MAX_BODY_BYTES/);
});

t.test('chunked body over limit', async (t) => {
  const { url, adminSession } = await startTestDaemon(t, { settings: limitedSettings() });

  const response = await postRaw(url, oversizedCall(adminSession), { chunked: true });

  t.equal(response.status, 413);
  t.match(response.headers['content-type'], /^text\/plain/);
  t.match(response.body, /exceeds the limit of 4096 bytes/);
});

t.test('413 closes a connection mid-body', async (t) => {
  const { url } = await startTestDaemon(t, { settings: limitedSettings() });
  const head = 'POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n';

  // Both bodies are over twice the limit, the most the daemon reads and discards.
  const declared = await exchangeRaw(url, [`${head}Content-Length: 100000000\r\n\r\n`, 'x'.repeat(1000)], 20_000);
  const chunked = await exchangeRaw(url, [`${head}Transfer-Encoding: chunked\r\n\r\n`, `3000\r\n${'x'.repeat(0x3000)}\r\n`], 20_000);

  t.match(declared.received, /^HTTP\/1\.1 413 /, 'declared length: 413');
  t.ok(declared.closedByServer, 'declared length: connection closed');
  t.match(chunked.received, /^HTTP\/1\.1 413 /, 'chunked: 413');
  t.ok(chunked.closedByServer, 'chunked: connection closed');
});

t.test('413 waits for a body under twice the limit', async (t) => {
  const { url } = await startTestDaemon(t, { settings: limitedSettings() });
  const target = new URL(url);
  const socket = net.connect(Number(target.port), target.hostname);
  t.teardown(() => socket.destroy());
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on('close', () => {
    closed = true;
  });

  // 6000 bytes is over the 4096-byte limit but under twice the limit, so the daemon
  // reads the whole body before it sends the 413.
  socket.write('POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 6000\r\n\r\n');
  socket.write('x'.repeat(1000));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const beforeEnd = received;
  socket.write('x'.repeat(5000));
  const rejected = await waitUntil(() => /^HTTP\/1\.1 413 /.test(received));
  const closedAfter = await waitUntil(() => closed);

  t.equal(beforeEnd, '', 'no response while the body is incomplete');
  t.ok(rejected, '413 once the body is complete');
  t.ok(closedAfter, 'connection closed after the 413');
});

t.test('body under limit is served', async (t) => {
  const { url, adminSession } = await startTestDaemon(t, { settings: limitedSettings() });

  const response = await postRaw(url, versionCall(adminSession), { chunked: true });

  t.equal(response.status, 200);
  t.match(response.body, /<string>6\.10\.5<\/string>/);
});

t.test('slow sender cut off, others served', async (t) => {
  const { daemon, home, url, admin } = await startTestDaemon(t, { settings: limitedSettings() });
  let slowDone = false;

  const head = 'POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 500\r\n\r\n';
  const slow = exchangeRaw(url, [head, '<?xml version="1.0"?><methodCall>'], 20_000).then((exchange) => {
    slowDone = true;
    return exchange;
  });
  const version = await admin.call('one.system.version');

  t.equal(version, '6.10.5', 'other client served');
  t.notOk(slowDone, 'slow sender still connected while the other was served');

  const exchange = await slow;
  t.ok(exchange.closedByServer, 'slow sender disconnected');
  t.match(exchange.received, /^HTTP\/1\.1 408 /, '408 status');
  t.match(exchange.received, /RPC\/REQUEST_TIMEOUT_MS/, 'reason names the setting');
  t.equal(await admin.call('one.system.version'), '6.10.5', 'daemon serves after the cut-off');

  await daemon.stop();
  const log = readFileSync(path.join(home, 'log', 'stratusd.log'), 'utf8');
  t.match(log, /rpc\.rejected .*status=408/, 'cut-off logged');
  t.notMatch(log, /internal\.error/, 'no internal error logged');
});

t.test('calls past the concurrency limit wait', async (t) => {
  const settings = testSettings((settings) => {
    settings.rpc.maxConcurrentCalls = 1;
  });
  const { admin } = await startTestDaemon(t, { settings });

  const calls = Array.from({ length: 10 }, () => admin.call('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"', true));
  const ids = await Promise.all(calls);

  t.equal(new Set(ids).size, 10);
});

t.test('connections past the limit closed', async (t) => {
  const { daemon, home, url, adminSession } = await startTestDaemon(t, { settings: limitedSettings() });
  const holding = new http.Agent({ keepAlive: true, maxSockets: 4 });
  t.teardown(() => holding.destroy());

  const sockets = new Set<Socket>();
  holding.on('free', (socket: Socket) => sockets.add(socket));

  const calls = Array.from({ length: 4 }, () => postRaw(url, versionCall(adminSession), { agent: holding }));
  const responses = await Promise.all(calls);

  t.same(responses.map((response) => response.status), [200, 200, 200, 200], 'four connections served');
  t.equal(sockets.size, 4, 'four connections kept open');

  const extra = await postRaw(url, versionCall(adminSession)).catch((error: NodeJS.ErrnoException) => error);
  t.ok(extra instanceof Error, 'fifth connection closed without a response');

  holding.destroy();
  const after = await retryUntilServed(url, versionCall(adminSession));
  t.equal(after, 200, 'served once connections closed');

  await daemon.stop();
  const log = readFileSync(path.join(home, 'log', 'stratusd.log'), 'utf8');
  t.match(log, /rpc\.rejected .*RPC\/MAX_CONNECTIONS/, 'closed connection logged');
});

/**
 * Opens a connection that writes `request` and never closes its side, even after the
 * server closes its own, as a client that does not check for end of input does.
 * Returns a function that reports what the server sent so far.
 */
async function openHalfOpenClient(t: { teardown(fn: () => unknown): void }, url: string, request: string): Promise<() => string> {
  const target = new URL(url);
  const socket = net.connect({ port: Number(target.port), host: target.hostname, allowHalfOpen: true });
  t.teardown(() => socket.destroy());
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(request);
  return () => received;
}

t.test('rejected connections free their slot', async (t) => {
  const { url, adminSession } = await startTestDaemon(t, { settings: limitedSettings() });
  const slowHead = 'POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 500\r\n\r\n<?xml';

  // As many slow senders as the connection limit allows.
  const slowSenders = await Promise.all(Array.from({ length: 4 }, () => openHalfOpenClient(t, url, slowHead)));
  const timedOut = await waitUntil(() => slowSenders.every((received) => /^HTTP\/1\.1 408 /.test(received())));
  t.ok(timedOut, 'every slow sender got its 408');
  t.equal(await retryUntilServed(url, versionCall(adminSession)), 200, 'a new connection is served after the 408s');

  // Rejections sent through the request handler free their slot too.
  const wrongMethods = await Promise.all(Array.from({ length: 4 }, () => openHalfOpenClient(t, url, 'GET /RPC2 HTTP/1.1\r\nHost: localhost\r\n\r\n')));
  const rejected = await waitUntil(() => wrongMethods.every((received) => /^HTTP\/1\.1 405 /.test(received())));
  t.ok(rejected, 'every GET got its 405');
  t.equal(await retryUntilServed(url, versionCall(adminSession)), 200, 'a new connection is served after the 405s');
});

/** Polls `condition` every 20 ms for up to 20 s and returns whether it became true. */
async function waitUntil(condition: () => boolean): Promise<boolean> {
  for (let poll = 0; poll < 1000; poll += 1) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

/** Posts until the daemon sends a response, at most 50 times, for the moment after connections close. */
async function retryUntilServed(url: string, body: string): Promise<number | undefined> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const response = await postRaw(url, body).catch(() => undefined);
    if (response) return response.status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

t.test('GET gets 405 with a reason', async (t) => {
  const { url } = await startTestDaemon(t);

  const response = await postRaw(url, '', { method: 'GET' });

  t.equal(response.status, 405);
  t.equal(response.headers.allow, 'POST');
  t.match(response.headers['content-type'], /^text\/plain/);
  t.match(response.body, /POST \/RPC2/);
});

t.test('wrong path gets 404 with a reason', async (t) => {
  const { url, adminSession } = await startTestDaemon(t);

  const response = await postRaw(url, versionCall(adminSession), { path: '/RPC3' });

  t.equal(response.status, 404);
  t.match(response.headers['content-type'], /^text\/plain/);
  t.match(response.body, /\/RPC3/);
  t.match(response.body, /\/RPC2/);
});

t.test('bytes that are not HTTP get 400', async (t) => {
  const { url } = await startTestDaemon(t);

  const exchange = await exchangeRaw(url, ['HELLO THERE\r\n\r\n'], 20_000);

  t.match(exchange.received, /^HTTP\/1\.1 400 /);
  t.match(exchange.received, /malformed HTTP request/);
  t.ok(exchange.closedByServer, 'connection closed');
});

t.test('responses are text/xml', async (t) => {
  const { url, adminSession } = await startTestDaemon(t);

  const success = await postRaw(url, versionCall(adminSession));
  const failure = await postRaw(url, versionCall('oneadmin:wrong'));
  const fault = await postRaw(url, methodCall('one.no.such.method', [`<string>${adminSession}</string>`]));

  t.match(success.headers['content-type'], /^text\/xml/, 'success');
  t.match(failure.headers['content-type'], /^text\/xml/, 'failure array');
  t.match(fault.headers['content-type'], /^text\/xml/, 'fault');
});

t.test('keep-alive reuses one connection', async (t) => {
  const { url, adminSession } = await startTestDaemon(t);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const sockets = new Set<Socket>();
  agent.on('free', (socket: Socket) => sockets.add(socket));

  const statuses: number[] = [];
  for (let call = 0; call < 5; call += 1) {
    const response = await postRaw(url, versionCall(adminSession), { agent });
    statuses.push(response.status);
  }

  t.same(statuses, [200, 200, 200, 200, 200], 'five calls served');
  t.equal(sockets.size, 1, 'one connection');
});

t.test('stop closes idle keep-alive connections', async (t) => {
  const { daemon, url, adminSession } = await startTestDaemon(t);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  await postRaw(url, versionCall(adminSession), { agent });

  // The keep-alive timeout is 15 s, so a stop that waited for it would not finish in 10 s.
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    daemon.stop().then(() => 'stopped'),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve('still running'), 10_000);
    }),
  ]);
  clearTimeout(timer);

  t.equal(outcome, 'stopped', 'stop finished while a client held an idle connection');
});
