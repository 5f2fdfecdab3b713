/** `npm run restore -- <file.tar.gz> [--force]`: brings a backup back into DATA_DIR (server stopped). */
import { loadConfig } from '../config.js';
import { restoreBackup } from '../store/restore.js';

const args = process.argv.slice(2);
const force = args.includes('--force');
const [archive] = args.filter((a) => a !== '--force');
if (!archive) {
  console.error('usage: npm run restore -- <file.tar.gz> [--force]   (restores into DATA_DIR, default ./data; --force moves existing data aside)');
  process.exit(2);
}
const { dataDir, databaseUrl } = loadConfig(process.env);
if (databaseUrl) {
  // This command restores a data folder only; on PostgreSQL it would write where no server reads.
  console.error('restore refused: DATABASE_URL is set, and npm run restore restores only a data folder (DATA_DIR); on PostgreSQL use pg_restore (README "PostgreSQL: several app servers"), or unset DATABASE_URL to restore a data folder');
  process.exit(2);
}
try {
  const { manifest, movedAsideTo } = await restoreBackup(archive, dataDir, { force });
  if (movedAsideTo) console.log(`moved the data that was in ${dataDir} to ${movedAsideTo}`);
  console.log(`restored ${manifest.documents} documents (${manifest.files.length} files, backup of ${manifest.createdAt}) into ${dataDir}`);
} catch (err) {
  console.error(`restore failed: ${(err as Error).message}`);
  process.exit(1);
}
