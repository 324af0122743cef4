import t from 'tap';
import { OneApiError } from '../../rpc/client/errors.js';
import { startTestDaemon } from '../helpers/daemon.js';

const ALLOCATE = 0x4000;

async function allocateError(promise: Promise<unknown>): Promise<OneApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof OneApiError)) throw new Error(`expected an OpenNebula error, got ${String(error)}`);
  return error;
}

t.test('users cannot set restricted attributes', async (t) => {
  const daemon = await startTestDaemon(t);
  await daemon.admin.call('one.user.allocate', 'carol', 'pw', '', []);
  const carol = daemon.client('carol:pw');

  const cases = [
    ['DISK = [ SOURCE = "/etc/shadow", TYPE = "FILE" ]', 'DISK/SOURCE'],
    ['CONTEXT = [ FILES = "/root/one_auth" ]', 'CONTEXT/FILES'],
    ['OS = [ KERNEL = "/boot/vmlinuz" ]', 'OS/KERNEL'],
    ['RAW = [ TYPE = "kvm", DATA = "<devices/>" ]', 'RAW'],
  ];
  for (const [attribute, name] of cases) {
    const error = await allocateError(carol.call('one.vm.allocate', `CPU = 1\nMEMORY = 64\n${attribute}`, false));
    t.equal(error.code, ALLOCATE, `${name}: ALLOCATE`);
    t.match(error.message, `${name} may only be set by group oneadmin`, `${name}: message`);
  }
});

t.test('oneadmin may set restricted attributes', async (t) => {
  const daemon = await startTestDaemon(t);

  const id = await daemon.admin.call<number>('one.vm.allocate', 'CPU = 1\nMEMORY = 64\nOS = [ KERNEL = "/boot/vmlinuz" ]', false);

  t.type(id, 'number');
});

t.test('users instantiate admin templates with them', async (t) => {
  const daemon = await startTestDaemon(t);
  await daemon.admin.call('one.user.allocate', 'carol', 'pw', '', []);
  const templateId = await daemon.admin.call<number>('one.template.allocate', 'NAME = "boot"\nCPU = 1\nMEMORY = 64\nOS = [ KERNEL = "/boot/vmlinuz" ]');
  await daemon.admin.call('one.template.chmod', templateId, -1, -1, -1, -1, -1, -1, 1, -1, -1);
  const carol = daemon.client('carol:pw');

  const vmId = await carol.call<number>('one.template.instantiate', templateId, '', false, '');
  const error = await allocateError(carol.call('one.template.instantiate', templateId, '', false, 'CONTEXT = [ FILES = "/etc/passwd" ]'));

  t.type(vmId, 'number', 'the template itself is accepted');
  t.match(error.message, 'CONTEXT/FILES may only be set by group oneadmin', 'the extra template is checked');
});

t.test('capacity values have upper bounds', async (t) => {
  const daemon = await startTestDaemon(t);

  const memory = await allocateError(daemon.admin.call('one.vm.allocate', 'CPU = 1\nMEMORY = 99999999999999999999', false));
  const vcpu = await allocateError(daemon.admin.call('one.vm.allocate', 'CPU = 1\nMEMORY = 64\nVCPU = 100000000', false));
  const cpu = await allocateError(daemon.admin.call('one.vm.allocate', 'CPU = 5000\nMEMORY = 64', false));

  t.match(memory.message, /MEMORY must be a whole number of MiB from 1 to 4194304/);
  t.match(vcpu.message, /VCPU must be a whole number from 1 to 1024/);
  t.match(cpu.message, /CPU must be a positive number up to 1024/);
});

t.test('users cannot register images by SOURCE', async (t) => {
  const daemon = await startTestDaemon(t);
  await daemon.admin.call('one.user.allocate', 'carol', 'pw', '', []);
  const carol = daemon.client('carol:pw');

  const error = await allocateError(carol.call('one.image.allocate', 'NAME = "shadow"\nSOURCE = "/etc/shadow"', 1));

  t.equal(error.code, ALLOCATE);
  t.match(error.message, 'SOURCE may only be set by group oneadmin');
});
