/**
 * One process per spool file: two collectors appending to and replaying one file would replay each
 * other's records. The lock is a file holding the owner's pid; a lock left by a process that no
 * longer runs (killed, crashed) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { SwarmscopeError } from '../../core/errors.ts';

export interface SpoolLock {
  release(): void;
}

export function acquireSpoolLock(path: string): SpoolLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isSafeInteger(owner) && isRunning(owner)) {
      throw new SwarmscopeError(
        'invalid_config',
        `the spool ${path.replace(/\.lock$/, '')} is in use by process ${owner}: give each collector its own --data-dir or --shard`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new SwarmscopeError('internal', `cannot take the spool lock ${path}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
