import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { PROJECT_ROOT, startTestDaemon } from '../helpers/daemon.js';

const run = promisify(execFile);
const CLIENT_SCRIPT = path.join(PROJECT_ROOT, 'test', 'fixtures', 'python', 'wire_client.py');

interface Document {
  root: string;
  children: string[];
}

interface Outcome {
  result?: unknown[];
  fault?: { code: number; message: string };
  document?: Document;
}

/** Runs the Python client against the daemon and returns its outcomes by scenario name. */
async function runPythonClient(url: string, session: string): Promise<Record<string, Outcome>> {
  const { stdout } = await run('python3', [CLIENT_SCRIPT, url, session], { timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, Outcome>;
}

t.test('python xmlrpc.client against stratusd', async (t) => {
  const { url, adminSession } = await startTestDaemon(t);
  const outcomes = await runPythonClient(url, adminSession);

  t.test('one.system.version', async (t) => {
    t.same(outcomes.version.result, [true, '6.10.5', 0]);
  });

  t.test('one.user.info(-1)', async (t) => {
    const { result, document } = outcomes.user_info;
    t.equal(result?.length, 3, 'three elements');
    t.equal(result?.[0], true, 'success');
    t.equal(result?.[2], 0, 'code 0');
    t.equal(document?.root, 'USER', 'root element');
    for (const child of ['ID', 'GID', 'GROUPS', 'GNAME', 'NAME', 'AUTH_DRIVER', 'ENABLED', 'TEMPLATE']) {
      t.ok(document?.children.includes(child), `USER has ${child}`);
    }
    for (const quota of ['DATASTORE_QUOTA', 'NETWORK_QUOTA', 'VM_QUOTA', 'IMAGE_QUOTA', 'DEFAULT_USER_QUOTAS']) {
      t.ok(document?.children.includes(quota), `USER has ${quota}`);
    }
  });

  t.test('one.vm.allocate and one.vm.info', async (t) => {
    const allocated = outcomes.vm_allocate.result;
    const { result, document } = outcomes.vm_info;
    t.equal(allocated?.[0], true, 'allocate succeeds');
    t.equal(typeof allocated?.[1], 'number', 'allocate returns an id');
    t.equal(result?.[0], true, 'info succeeds');
    t.equal(document?.root, 'VM', 'root element');
    for (const child of ['ID', 'UID', 'GID', 'UNAME', 'GNAME', 'NAME', 'PERMISSIONS', 'STATE', 'LCM_STATE']) {
      t.ok(document?.children.includes(child), `VM has ${child}`);
    }
    for (const child of ['TEMPLATE', 'USER_TEMPLATE', 'HISTORY_RECORDS']) {
      t.ok(document?.children.includes(child), `VM has ${child}`);
    }
  });

  t.test('one.vmpool.info(-2,-1,-1,-1)', async (t) => {
    const { result, document } = outcomes.vmpool_info;
    t.equal(result?.[0], true, 'success');
    t.equal(document?.root, 'VM_POOL', 'root element');
    t.same(document?.children, ['VM'], 'one VM');
  });

  t.test('one.imagepool.info with a fourth parameter', async (t) => {
    const { result, document } = outcomes.imagepool_info;
    t.equal(result?.[0], true, 'success');
    t.equal(document?.root, 'IMAGE_POOL', 'root element');
    t.same(document?.children, [], 'no images');
  });

  t.test('wrong password', async (t) => {
    t.same(outcomes.wrong_password.result, [false, "[one.vm.info] User couldn't be authenticated, aborting call.", 256, -1, -1]);
  });

  t.test('object not found', async (t) => {
    const result = outcomes.not_found.result;
    t.equal(result?.[0], false, 'failure');
    t.equal(result?.[1], '[one.vm.info] Error getting virtual machine [999999].', 'message');
    t.equal(result?.[2], 1024, 'code NO_EXISTS');
    t.equal(result?.length, 5, 'five elements');
  });

  t.test('missing parameter', async (t) => {
    t.equal(outcomes.missing_parameter.fault?.code, -501, 'fault -501');
    t.match(outcomes.missing_parameter.fault?.message, /parameter 1 \(id\) is missing/, 'names the parameter');
  });

  t.test('unknown method', async (t) => {
    t.equal(outcomes.unknown_method.fault?.code, -506, 'fault -506');
    t.match(outcomes.unknown_method.fault?.message, /one\.vm\.nosuchcall/, 'names the method');
  });
});
