/** `npm run backup -- <file.tar.gz>`: a consistent archive of DATA_DIR, safe while the server runs. */
import { loadConfig } from '../config.js';
import { writeBackup } from '../store/backup.js';

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: npm run backup -- <file.tar.gz>   (backs up DATA_DIR, default ./data)');
  process.exit(2);
}
const { dataDir, databaseUrl } = loadConfig(process.env);
if (databaseUrl) {
  // This command backs up a data folder only; on PostgreSQL it would archive an empty folder.
  console.error('backup refused: DATABASE_URL is set, and npm run backup backs up only a data folder (DATA_DIR); on PostgreSQL use pg_dump -Fc (README "PostgreSQL: several app servers"), or unset DATABASE_URL to back up a data folder');
  process.exit(2);
}
try {
  const manifest = await writeBackup(dataDir, out);
  const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
  console.log(`backed up ${manifest.documents} documents (${manifest.files.length} files, ${bytes.toLocaleString('en')} bytes) from ${dataDir} to ${out}`);
} catch (err) {
  console.error(`backup failed: ${(err as Error).message}`);
  process.exit(1);
}
