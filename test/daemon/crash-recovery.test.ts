import t from 'tap';
import { OneClient } from '../../rpc/client/client.js';
import { spawnDaemon, temporaryHome } from '../helpers/daemon.js';
import { exitWithin, killOnTeardown, readAdminSession } from '../helpers/daemon-process.js';

const ALLOCATIONS = 200;
/** SIGKILL goes out once this many allocations have been acknowledged. */
const ACKNOWLEDGED_BEFORE_KILL = 20;

interface StoredVm {
  id: number;
  token: string | undefined;
}

function vmTemplate(token: number): string {
  return `NAME = "crash-${token}"\nTOKEN = "${token}"\nCPU = "1"\nMEMORY = "64"`;
}

/** Lists every VM in a `<VM_POOL>` of full VM documents, with the TOKEN of its user template. */
function storedVms(poolXml: string): StoredVm[] {
  return [...poolXml.matchAll(/<VM>(.*?)<\/VM>/gs)].map(([, body]) => ({
    id: Number(/<ID>(\d+)<\/ID>/.exec(body)?.[1]),
    token: /<USER_TEMPLATE>.*<TOKEN>([^<]*)<\/TOKEN>.*<\/USER_TEMPLATE>/s.exec(body)?.[1],
  }));
}

function duplicates<T>(values: T[]): T[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

t.test('SIGKILL during allocations loses nothing acknowledged', async (t) => {
  const home = temporaryHome(t);
  const first = await spawnDaemon(home);
  killOnTeardown(t, first);
  const session = readAdminSession(home);
  const client = new OneClient({ endpoint: first.url, session });

  const acknowledged = new Map<string, number>();
  const allocations = Array.from({ length: ALLOCATIONS }, (_, token) =>
    client.call<number>('one.vm.allocate', vmTemplate(token), true).then(
      (id) => {
        acknowledged.set(String(token), id);
        if (acknowledged.size === ACKNOWLEDGED_BEFORE_KILL) first.child.kill('SIGKILL');
      },
      () => undefined,
    ),
  );
  await Promise.all(allocations);
  t.equal(await first.exited, 'SIGKILL', 'first daemon killed');
  t.ok(acknowledged.size >= ACKNOWLEDGED_BEFORE_KILL, `${acknowledged.size} allocations acknowledged`);

  const second = await spawnDaemon(home);
  killOnTeardown(t, second);
  const restarted = new OneClient({ endpoint: second.url, session });
  const vms = storedVms(await restarted.call<string>('one.vmpool.infoextended', -2, -1, -1, -2));

  const lost = [...acknowledged].filter(([token, id]) => !vms.some((vm) => vm.token === token && vm.id === id));
  t.same(lost, [], 'every acknowledged allocation stored with its id');
  t.same(duplicates(vms.map((vm) => vm.id)), [], 'no id twice');
  t.same(duplicates(vms.map((vm) => vm.token)), [], 'no token twice');

  const highestUsed = Math.max(...vms.map((vm) => vm.id), ...acknowledged.values());
  const fresh = await Promise.all([1, 2, 3].map((n) => restarted.call<number>('one.vm.allocate', vmTemplate(1000 + n), true)));
  t.ok(
    fresh.every((id) => id > highestUsed),
    `new ids ${fresh.join(', ')} are above ${highestUsed}, the highest used before the restart`,
  );

  second.child.kill('SIGTERM');
  t.equal(await exitWithin(second, 30_000), 0, 'restarted daemon stops cleanly');
});
