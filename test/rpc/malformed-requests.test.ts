import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { OneClient } from '../../rpc/client/client.js';
import { loadCorpus, unlistedFixtureFiles, type MalformedRequest } from '../fixtures/malformed/corpus.js';
import { spawnDaemon, temporaryHome } from '../helpers/daemon.js';
import { exitWithin, hasExited, killOnTeardown, readAdminSession } from '../helpers/daemon-process.js';
import { faultCode, postRaw, type RawResponse } from '../helpers/raw-http.js';

/** The assertions a check needs, from the root test or a subtest. */
type Asserts = Pick<typeof t, 'equal' | 'match'>;

/** Checks that the response is the rejection the corpus entry expects, in the form clients can read. */
function checkRejection(t: Asserts, request: MalformedRequest, response: RawResponse): void {
  if ('fault' in request.expected) {
    t.equal(response.status, 200, 'HTTP status');
    t.match(response.headers['content-type'], /^text\/xml/, 'Content-Type');
    t.equal(faultCode(response.body), request.expected.fault, 'faultCode');
    t.match(response.body, /<name>faultString<\/name>\s*<value>\s*<string>[^<]+<\/string>/, 'faultString');
    return;
  }

  t.equal(response.status, request.expected.status, 'HTTP status');
  t.match(response.headers['content-type'], /^text\/plain/, 'Content-Type');
  t.match(response.body, /\S/, 'reason in the body');
}

t.test('corpus lists every fixture file', async (t) => {
  t.same(unlistedFixtureFiles(), []);
});

t.test('malformed corpus on a spawned daemon', async (t) => {
  const home = temporaryHome(t);
  const daemon = await spawnDaemon(home);
  killOnTeardown(t, daemon);
  const session = readAdminSession(home);
  const corpus = loadCorpus(session);

  for (const request of corpus) {
    const response = await postRaw(daemon.url, request.body);
    t.test(request.name, async (t) => checkRejection(t, request, response));
  }

  const external = corpus.find((request) => request.name === 'external-file-entity.xml');
  const externalResponse = await postRaw(daemon.url, external?.body ?? '');
  t.notMatch(externalResponse.body, /root:/, 'external entity not expanded');

  const admin = new OneClient({ endpoint: daemon.url, session });
  t.equal(await admin.call('one.system.version'), '6.10.5', 'daemon still answers');
  t.notOk(hasExited(daemon), 'daemon process still running');

  daemon.child.kill('SIGTERM');
  t.equal(await exitWithin(daemon, 30_000), 0, 'daemon stops cleanly');
  const log = readFileSync(path.join(home, 'log', 'stratusd.log'), 'utf8');
  t.notMatch(log, /internal\.error/, 'no internal error logged');
});

t.test('malformed corpus sent at once', async (t) => {
  const home = temporaryHome(t);
  const daemon = await spawnDaemon(home);
  killOnTeardown(t, daemon);
  const session = readAdminSession(home);
  const corpus = loadCorpus(session);

  const responses = await Promise.all(corpus.map((request) => postRaw(daemon.url, request.body)));
  corpus.forEach((request, index) => {
    t.test(request.name, async (t) => checkRejection(t, request, responses[index]));
  });

  const admin = new OneClient({ endpoint: daemon.url, session });
  t.equal(await admin.call('one.system.version'), '6.10.5', 'daemon still answers');
  t.notOk(hasExited(daemon), 'daemon process still running');
});
