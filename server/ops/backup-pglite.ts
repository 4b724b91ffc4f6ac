/**
 * Backup and restore of the embedded database: a gzip'd tarball of the whole PGlite data directory
 * (PGlite's dumpDataDir / loadDataDir). The directory belongs to one process at a time, so both refuse
 * while a live process (the server) holds its lock file; stop the server, back up, start it again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { lockDataDir } from '../db/data-dir-lock.js';
import { migrationLevel } from '../db/migrate.js';
import { openPGlite, type PGliteDatabase } from '../db/pglite-driver.js';

/** What a backup or restore did. */
export interface PGliteBackupResult {
  file: string;
  bytes: number;
  /** The schema level of the database backed up or restored. */
  migration: number;
}

/** Writes a gzip'd tarball of `dataDir` to `outFile` (through a temporary file: never half a backup). */
export async function backupPGlite(dataDir: string, outFile: string): Promise<PGliteBackupResult> {
  refuseWhileInUse(dataDir, 'back it up');
  if (!existsSync(dataDir)) throw new Error(`No embedded database at ${dataDir} (ATALAYA_DATA_DIR)`);
  const db = (await openPGlite({ dataDir })) as PGliteDatabase;
  let bytes: Buffer;
  let migration: number;
  try {
    migration = await migrationLevel(db);
    // A checkpoint first: the copy then needs no WAL replay when it is opened.
    await db.exec('CHECKPOINT');
    bytes = Buffer.from(await (await db.dump('gzip')).arrayBuffer());
  } finally {
    await db.close();
  }
  const tmp = `${outFile}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, outFile);
  return { file: outFile, bytes: bytes.length, migration };
}

/**
 * Replaces `dataDir` with the database in `backupFile`. The backup is first opened in a directory of
 * its own beside it, so a damaged file leaves the current database untouched; the current one is then
 * kept as `<dataDir>.before-restore` (replacing an older one) for the operator to delete.
 */
export async function restorePGlite(
  dataDir: string,
  backupFile: string,
): Promise<PGliteBackupResult & { previous: string | null }> {
  refuseWhileInUse(dataDir, 'restore into it');
  const bytes = await readFile(backupFile);
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new Error(
      `${backupFile} is not a backup of the embedded database (a .tar.gz from npm run backup); ` +
        `first bytes ${JSON.stringify(bytes.subarray(0, 5).toString('latin1'))}`,
    );
  }
  const unlock = lockDataDir(dataDir);
  const staging = `${dataDir}.restoring`;
  const previous = `${dataDir}.before-restore`;
  try {
    await rm(staging, { recursive: true, force: true });
    let migration: number;
    try {
      const db = await openPGlite({
        dataDir: staging,
        loadDataDir: new Blob([bytes], { type: 'application/gzip' }),
      });
      try {
        migration = await migrationLevel(db);
      } finally {
        await db.close();
      }
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw new Error(`${backupFile} could not be opened as a database; nothing was changed`, {
        cause: error,
      });
    }
    let kept: string | null = null;
    if (existsSync(dataDir)) {
      await rm(previous, { recursive: true, force: true });
      await rename(dataDir, previous);
      kept = previous;
    }
    await rename(staging, dataDir);
    return { file: backupFile, bytes: bytes.length, migration, previous: kept };
  } finally {
    unlock();
  }
}

/** Throws, naming the process, when a live process other than this one holds `<dataDir>.lock`. */
function refuseWhileInUse(dataDir: string, what: string): void {
  const lockFile = `${dataDir}.lock`;
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8'));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return;
  throw new Error(
    `The embedded database ${dataDir} is in use by process ${pid} (the Atalaya server?): stop it ` +
      `(systemctl stop atalaya) to ${what}, then start it again. On PostgreSQL, backups run while ` +
      'the server runs.',
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
