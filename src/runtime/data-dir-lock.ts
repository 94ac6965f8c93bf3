// One process per data directory. The lock is an OS file lock that SQLite takes on `eddy.lock`
// (exclusive locking mode, held until the connection closes): the kernel drops it when its holder
// dies, even by SIGKILL, so a stale lock cannot exist and taking over needs no guess about
// whether the holder is alive. The holder's pid sits beside it in `eddy.pid`, for the error.

import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(`Data directory '${dataDir}' is in use by another Eddy process${pid ? ` (pid ${pid})` : ''}: one process at a time may open it.`);
    this.name = 'DataDirInUseError';
  }
}

export class DataDirLock {
  private constructor(private readonly db: Database.Database) {}

  /** Take the directory's lock, or throw DataDirInUseError naming the pid that holds it. */
  static acquire(dataDir: string): DataDirLock {
    const db = new Database(join(dataDir, 'eddy.lock'));
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // A write takes the exclusive lock; exclusive locking mode keeps it after the commit.
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL); DELETE FROM holder;');
      db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(resolve(dataDir), holderPid(dataDir));
      throw e;
    }
    writeFileSync(join(dataDir, 'eddy.pid'), `${process.pid}\n`);
    return new DataDirLock(db);
  }

  release(): void {
    this.db.close();
  }
}

function holderPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'eddy.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
