import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DocumentStore } from '../../server/store/document-store.js';
import { statementIndexPath } from '../../server/store/index-files.js';
import { tempDataDir } from '../helpers/app.js';
import { repositoryContract } from './repository-contract.js';

repositoryContract('lowdb files', async ({ maxHistoryBytes }) => {
  const dataDir = await tempDataDir();
  const stores: DocumentStore[] = [];
  const open = async () => {
    const store = await DocumentStore.open(dataDir, { maxHistoryBytes });
    stores.push(store);
    return store;
  };
  const repo = await open();
  return {
    repo,
    reopen: async () => {
      await repo.close();
      return open();
    },
    damageStatementIndex: async (bytes) => {
      const file = statementIndexPath(dataDir);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, bytes);
    },
    cleanup: async () => {
      for (const s of stores) await s.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
