import t from 'tap';
import { startTestDaemon, temporaryHome } from '../helpers/daemon.js';

const CALLS = 50;

/** Returns the text of `<element>` in a document, or undefined. */
function elementText(xml: string, element: string): string | undefined {
  return new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml)?.[1];
}

function userTemplate(vmXml: string): string {
  return /<USER_TEMPLATE>(.*)<\/USER_TEMPLATE>/s.exec(vmXml)?.[1] ?? '';
}

t.test('concurrent update merges keep every attribute', async (t) => {
  const { admin } = await startTestDaemon(t);
  const id = await admin.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"', true);

  const updates = Array.from({ length: CALLS }, (_, n) => admin.call<number>('one.vm.update', id, `ATTR_${n} = "${n}"`, 1));
  const results = await Promise.all(updates);

  t.same(results, Array(CALLS).fill(id), 'every update returns the VM id');
  const template = userTemplate(await admin.call<string>('one.vm.info', id));
  const missing = Array.from({ length: CALLS }, (_, n) => n).filter((n) => elementText(template, `ATTR_${n}`) !== String(n));
  t.same(missing, [], 'no attribute lost');
});

t.test('concurrent renames and merges interleave', async (t) => {
  const { admin } = await startTestDaemon(t);
  const id = await admin.call<number>('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"', true);

  const calls = Array.from({ length: CALLS }, (_, n) =>
    n % 2 === 0
      ? admin.call<number>('one.vm.rename', id, `renamed-${n}`)
      : admin.call<number>('one.vm.update', id, `MERGED_${n} = "${n}"`, 1),
  );
  await Promise.all(calls);

  const xml = await admin.call<string>('one.vm.info', id);
  const renames = Array.from({ length: CALLS / 2 }, (_, k) => `renamed-${2 * k}`);
  t.ok(renames.includes(elementText(xml, 'NAME') ?? ''), 'name is one of the renames');
  const template = userTemplate(xml);
  const merged = Array.from({ length: CALLS / 2 }, (_, k) => 2 * k + 1);
  const missing = merged.filter((n) => elementText(template, `MERGED_${n}`) !== String(n));
  t.same(missing, [], 'no merged attribute lost');
});

t.test('concurrent allocations get distinct ids', async (t) => {
  const { admin } = await startTestDaemon(t);

  const allocations = Array.from({ length: CALLS }, (_, n) =>
    admin.call<number>('one.template.allocate', `NAME = "concurrent-${n}"\nCPU = "1"\nMEMORY = "64"`),
  );
  const ids = await Promise.all(allocations);

  t.equal(new Set(ids).size, CALLS, 'no id handed out twice');
  const sorted = [...ids].sort((a, b) => a - b);
  t.equal(sorted[CALLS - 1] - sorted[0], CALLS - 1, 'ids are consecutive');
});

t.test('ids not reused after delete', async (t) => {
  const { admin } = await startTestDaemon(t);

  const hostA = await admin.call<number>('one.host.allocate', 'node-a', 'dummy', 'dummy', -1);
  await admin.call('one.host.delete', hostA);
  const hostB = await admin.call<number>('one.host.allocate', 'node-a', 'dummy', 'dummy', -1);
  const template = await admin.call<number>('one.template.allocate', 'NAME = "t1"\nCPU = "1"\nMEMORY = "64"');
  await admin.call('one.template.delete', template);
  const nextTemplate = await admin.call<number>('one.template.allocate', 'NAME = "t1"\nCPU = "1"\nMEMORY = "64"');

  t.ok(hostB > hostA, `host id ${hostB} is above the deleted ${hostA}`);
  t.ok(nextTemplate > template, `template id ${nextTemplate} is above the deleted ${template}`);
});

t.test('ids not reused across restart', async (t) => {
  const home = temporaryHome(t);
  const first = await startTestDaemon(t, { home });
  const deleted = await first.admin.call<number>('one.template.allocate', 'NAME = "last"\nCPU = "1"\nMEMORY = "64"');
  await first.admin.call('one.template.delete', deleted);
  await first.daemon.stop();

  const second = await startTestDaemon(t, { home });
  const next = await second.admin.call<number>('one.template.allocate', 'NAME = "last"\nCPU = "1"\nMEMORY = "64"');

  t.ok(next > deleted, `template id ${next} is above the deleted ${deleted}`);
});

t.test('concurrent allocations of one name', async (t) => {
  const { admin } = await startTestDaemon(t);

  const attempts = Array.from({ length: 20 }, () =>
    admin.call<number>('one.user.allocate', 'twin', 'secret', 'core', []).then(
      (id) => ({ id, code: 0 }),
      (error: { code?: number }) => ({ id: -1, code: error.code ?? -1 }),
    ),
  );
  const outcomes = await Promise.all(attempts);

  t.equal(outcomes.filter((outcome) => outcome.code === 0).length, 1, 'one allocation succeeds');
  const codes = new Set(outcomes.filter((outcome) => outcome.code !== 0).map((outcome) => outcome.code));
  t.notOk(codes.has(0x2000), 'no internal error');
  t.ok(await admin.call<number>('one.user.allocate', 'after-twins', 'secret', 'core', []), 'next write succeeds');
});
