import { rm } from 'node:fs/promises';
import { DocumentStore } from '../../server/store/document-store.js';
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
    cleanup: async () => {
      for (const s of stores) await s.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
