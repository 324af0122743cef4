import t from 'tap';
import { validateManifest, type ManifestProblem } from '../../../core/plugins/validate-manifest.js';

const valid = {
  name: 'qemu',
  kind: 'vmm',
  protocol: [1],
  actions: ['DEPLOY', 'POLL'],
  retry: ['POLL'],
  entry: { executable: 'bin/driver', args: ['--verbose'] },
  timeouts: { DEPLOY: 300 },
  retries: { attempts: 3, backoffMs: 1000 },
  description: 'Runs VMs as QEMU processes',
};

function problemsOf(manifest: unknown): ManifestProblem[] {
  const check = validateManifest(manifest);
  return check.ok ? [] : check.problems;
}

function problemAt(manifest: unknown, path: string): ManifestProblem | undefined {
  return problemsOf(manifest).find((problem) => problem.path === path);
}

t.test('valid manifest accepted', async (t) => {
  const check = validateManifest(valid);

  t.equal(check.ok, true);
  t.same(validateManifest({ ...valid, entry: { module: 'driver.js' }, timeouts: undefined, retries: undefined, description: undefined }).ok, true, 'module entry, optional fields absent');
});

t.test('action outside the family rejected', async (t) => {
  const problem = problemAt({ ...valid, actions: ['DEPLOY', 'REGISTER'] }, 'actions[1]');

  t.equal(problem?.problem, 'REGISTER is not an action of the vmm family');
  t.match(problem?.fix, /use one of DEPLOY, SHUTDOWN/);
});

t.test('retry outside actions rejected', async (t) => {
  t.equal(problemAt({ ...valid, retry: ['CANCEL'] }, 'retry[0]')?.problem, 'CANCEL is not in "actions"');
});

t.test('entry with both forms rejected', async (t) => {
  t.equal(problemAt({ ...valid, entry: { executable: 'a', module: 'b.js' } }, 'entry')?.problem, 'has both "executable" and "module"');
});

t.test('entry outside the folder rejected', async (t) => {
  t.equal(problemAt({ ...valid, entry: { executable: '../../bin/sh' } }, 'entry.executable')?.problem, '"../../bin/sh" is outside the plugin folder');
  t.equal(problemAt({ ...valid, entry: { executable: '/bin/sh' } }, 'entry.executable')?.problem, '"/bin/sh" is outside the plugin folder');
});

t.test('args must be strings', async (t) => {
  t.match(problemAt({ ...valid, entry: { executable: 'driver', args: '--verbose' } }, 'entry.args')?.problem, /must be an array of strings/);
});

t.test('timeout for an unclaimed action rejected', async (t) => {
  t.equal(problemAt({ ...valid, timeouts: { CANCEL: 5 } }, 'timeouts.CANCEL')?.problem, 'CANCEL is not in "actions"');
  t.match(problemAt({ ...valid, timeouts: { DEPLOY: 0 } }, 'timeouts.DEPLOY')?.problem, /above 0/);
});

t.test('retries bounds checked', async (t) => {
  t.match(problemAt({ ...valid, retries: { attempts: 11, backoffMs: 10 } }, 'retries.attempts')?.problem, /from 1 to 10, got 11/);
  t.match(problemAt({ ...valid, retries: { attempts: 2, backoffMs: -1 } }, 'retries.backoffMs')?.problem, /from 0 to 60000, got -1/);
});

t.test('upper-case name rejected', async (t) => {
  t.match(problemAt({ ...valid, name: 'QEMU' }, 'name')?.fix, /lower-case letter/);
});

t.test('duplicate action rejected', async (t) => {
  t.equal(problemAt({ ...valid, actions: ['DEPLOY', 'DEPLOY'], retry: [] }, 'actions[1]')?.problem, 'repeats DEPLOY');
});

t.test('non-object manifest rejected', async (t) => {
  t.same(problemsOf([1, 2]).map((problem) => problem.path), ['(top)']);
});
