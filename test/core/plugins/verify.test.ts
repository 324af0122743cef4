import t from 'tap';
import { formatVerifyReport, verifyPlugin } from '../../../core/plugins/verify.js';
import { fixtureDir } from '../drivers/support/plugin-fixtures.js';

const fast = { runtime: { initTimeoutMs: 2000, stopGraceMs: 2000 }, probeTimeoutMs: 1000 };

function checkNames(report: { checks: Array<{ name: string }> }): string[] {
  return report.checks.map((check) => check.name);
}

t.test('good bash driver passes every check', async (t) => {
  const report = await verifyPlugin(fixtureDir('good-bash-vmm'), fast);

  t.equal(report.ok, true);
  t.same(checkNames(report), ['manifest', 'entry', 'protocol', 'start', 'action DEPLOY', 'action SHUTDOWN', 'action CANCEL', 'action POLL', 'action MONITOR_HOST', 'finalize']);
  t.ok(report.checks.every((check) => check.ok));
  t.equal(report.checks.at(-1)?.detail, 'the driver exited with code 0 after FINALIZE');
});

t.test('good python and module drivers pass', async (t) => {
  const python = await verifyPlugin(fixtureDir('good-python-image'), fast);
  const module = await verifyPlugin(fixtureDir('good-module-vmm'), fast);

  t.equal(python.ok, true, formatVerifyReport(python));
  t.equal(module.ok, true, formatVerifyReport(module));
  t.match(module.checks.find((check) => check.name === 'action SHUTDOWN')?.detail, /^FAILURE: no VM stratus-42 on node1/, 'a FAILURE reply is an answer');
});

t.test('unanswered action fails its check', async (t) => {
  const report = await verifyPlugin(fixtureDir('claims-missing-action'), fast);

  t.equal(report.ok, false);
  t.equal(report.rejection?.code, 'ACTION_NOT_ANSWERED');
  const poll = report.checks.find((check) => check.name === 'action POLL');
  t.equal(poll?.ok, false);
  t.match(poll?.detail, /no reply/);
  t.equal(report.checks.find((check) => check.name === 'action DEPLOY')?.ok, true);
});

t.test('broken fixtures fail at the right check', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['bad-manifest', 'manifest', 'BAD_MANIFEST'],
    ['entry-not-executable', 'entry', 'ENTRY_NOT_EXECUTABLE'],
    ['unsupported-protocol-version', 'protocol', 'UNSUPPORTED_PROTOCOL'],
    ['crashes-on-init', 'start', 'INIT_FAILED'],
    ['never-answers', 'start', 'INIT_TIMEOUT'],
    ['writes-garbage', 'action POLL', 'ACTION_INVALID_REPLY'],
    ['lies-about-reply', 'action POLL', 'ACTION_INVALID_REPLY'],
  ];

  for (const [fixture, failedCheck, code] of cases) {
    const report = await verifyPlugin(fixtureDir(fixture), fast);
    const failed = report.checks.filter((check) => !check.ok).map((check) => check.name);
    t.same(failed, [failedCheck], `${fixture} fails at ${failedCheck}`);
    t.equal(report.rejection?.code, code, `${fixture} is ${code}`);
  }
});

t.test('report printed as plain text', async (t) => {
  const report = await verifyPlugin(fixtureDir('writes-garbage'), fast);

  const text = formatVerifyReport(report);

  t.match(text, /^Verifying plugin .*writes-garbage\n/);
  t.match(text, /\n  ok    manifest +vmm plugin "writes-garbage" claims POLL\n/);
  t.match(text, /\n  FAIL  action POLL +INVALID_REPLY: the reply line does not parse/);
  t.match(text, /\nDriver output:\n/);
  t.match(text, /warn driver.invalid_line reason=.*hello from a debug print/);
  t.match(text, /Result: the daemon would reject this plugin \(ACTION_INVALID_REPLY\)\.\n$/);
});
