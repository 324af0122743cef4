import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Another stratusd holds the home folder. */
export class HomeInUseError extends Error {
  constructor(readonly lockFile: string, readonly pid: number) {
    super(
      `another stratusd (pid ${pid}) is already using this home folder; stop it first, ` +
        `or remove ${lockFile} if that process is not a stratusd`,
    );
    this.name = 'HomeInUseError';
  }
}

/** Tells whether the process is a zombie: it has exited, and its parent has not yet collected it. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock file holding the daemon's pid, so that two daemons never share one home
 * folder. A lock left behind by a process that no longer exists is taken over.
 */
export class LockFile {
  private constructor(readonly file: string) {}

  static acquire(file: string): LockFile {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const fd = openSync(file, 'wx', 0o644);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new LockFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }

      const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && processExists(pid)) {
        throw new HomeInUseError(file, pid);
      }
      rmSync(file, { force: true });
    }
    throw new Error(`cannot create lock file ${file}; check the permissions of its folder`);
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}
