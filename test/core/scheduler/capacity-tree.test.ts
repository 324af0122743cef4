import t from 'tap';

import { CapacityTree } from '../../../core/scheduler/capacity-tree.js';

const acceptAll = { accept: () => true };

t.test('capacity tree finds the first fitting position', async (t) => {
  const tree = new CapacityTree(5);
  const cpu = [100, 400, 200, 800, 300];
  const memory = [10, 5, 50, 1, 40];
  tree.fill(
    (position) => cpu[position],
    (position) => memory[position],
  );

  t.equal(tree.findFirst(150, 20, acceptAll), 2);
  t.equal(tree.findFirst(300, 5, acceptAll), 1);
  t.equal(tree.findFirst(500, 1, acceptAll), 3);
  t.equal(tree.findFirst(900, 1, acceptAll), -1);
  t.equal(tree.findFirst(0, 60, acceptAll), -1);
  t.equal(tree.findFirst(100, 10, { accept: (position) => position > 2 }), 4);
});

t.test('capacity tree set updates ancestors', async (t) => {
  const tree = new CapacityTree(3);
  tree.fill(
    () => 100,
    () => 100,
  );

  tree.set(0, -Infinity, -Infinity);
  t.equal(tree.findFirst(50, 50, acceptAll), 1);
  tree.set(1, 10, 100);
  t.equal(tree.findFirst(50, 50, acceptAll), 2);
  tree.set(0, 60, 60);
  t.equal(tree.findFirst(50, 50, acceptAll), 0);
});

t.test('empty capacity tree finds nothing', async (t) => {
  t.equal(new CapacityTree(0).findFirst(0, 0, acceptAll), -1);
});

t.test('capacity tree agrees with a linear scan', async (t) => {
  let state = 7;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };

  for (let round = 0; round < 50; round++) {
    const length = 1 + Math.floor(next() * 70);
    const cpu = Array.from({ length }, () => Math.floor(next() * 10));
    const memory = Array.from({ length }, () => Math.floor(next() * 10));
    const tree = new CapacityTree(length);
    tree.fill(
      (position) => cpu[position],
      (position) => memory[position],
    );

    for (let query = 0; query < 20; query++) {
      if (next() < 0.3) {
        const position = Math.floor(next() * length);
        cpu[position] = Math.floor(next() * 10);
        memory[position] = Math.floor(next() * 10);
        tree.set(position, cpu[position], memory[position]);
      }

      const needCpu = Math.floor(next() * 10);
      const needMemory = Math.floor(next() * 10);
      const odd = { accept: (position: number) => position % 2 === 1 };
      const expected = cpu.findIndex((value, position) => value >= needCpu && memory[position] >= needMemory && position % 2 === 1);

      t.equal(tree.findFirst(needCpu, needMemory, odd), expected, `round ${round}, query ${query}`);
    }
  }
});
