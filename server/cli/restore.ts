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
const { dataDir } = loadConfig(process.env);
try {
  const { manifest, movedAsideTo } = await restoreBackup(archive, dataDir, { force });
  if (movedAsideTo) console.log(`moved the data that was in ${dataDir} to ${movedAsideTo}`);
  console.log(`restored ${manifest.documents} documents (${manifest.files.length} files, backup of ${manifest.createdAt}) into ${dataDir}`);
} catch (err) {
  console.error(`restore failed: ${(err as Error).message}`);
  process.exit(1);
}
