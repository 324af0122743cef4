import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { HomeInUseError, LockFile } from '../../core/lock-file.js';
import { temporaryHome } from '../helpers/daemon.js';

/**
 * Starts a shell whose background child exits at once and stays a zombie, because the
 * shell then becomes `sleep`, which never collects it. Resolves with the zombie's pid.
 */
function makeZombie(t: Test): Promise<number> {
  return new Promise((resolve, reject) => {
    const shell = execFile('sh', ['-c', 'true & echo $!; exec sleep 5']);
    t.teardown(() => shell.kill('SIGKILL'));
    shell.stdout?.once('data', (chunk: Buffer) => {
      // Gives the background child time to exit.
      setTimeout(() => resolve(Number(chunk.toString().trim())), 300);
    });
    shell.once('error', reject);
  });
}

t.test('lock of live holder rejected', async (t) => {
  const file = path.join(temporaryHome(t), 'stratusd.lock');
  writeFileSync(file, `${process.pid}\n`);

  t.throws(() => LockFile.acquire(file), HomeInUseError);
});

t.test('lock of zombie holder taken over', async (t) => {
  const file = path.join(temporaryHome(t), 'stratusd.lock');
  const zombie = await makeZombie(t);
  t.match(readFileSync(`/proc/${zombie}/stat`, 'utf8'), /\) Z /, 'the process is a zombie');
  writeFileSync(file, `${zombie}\n`);

  const lock = LockFile.acquire(file);

  t.equal(readFileSync(file, 'utf8').trim(), String(process.pid), 'the lock holds this process now');
  lock.release();
});
