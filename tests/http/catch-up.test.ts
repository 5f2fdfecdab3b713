import { jest } from '@jest/globals';
import { FIRST_SEED, snapshotDir, startTestApp } from '../helpers/app.js';
import { StorageUnavailableError } from '../../server/store/postgres/errors.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * Before each request the app asks the store to catch up with changes other app servers made
 * (`Corpus.refresh`, app.ts). A data folder has nothing to catch up with; PostgreSQL may be
 * unreachable, which must be a 503 with nothing written. The real data-folder store is used; its
 * `refresh` is wrapped to record when it runs, or replaced by one that fails like a lost database.
 */
describe('catching up with other servers before each request', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterEach(() => t.cleanup());

  test('when a document is read, then the store catches up first, and once per request', async () => {
    const order: string[] = [];
    const refresh = t.store.refresh.bind(t.store);
    const getDocument = t.store.getDocument.bind(t.store);
    t.store.refresh = async () => {
      order.push('refresh');
      await refresh();
    };
    t.store.getDocument = async (id) => {
      order.push(`read ${id}`);
      return getDocument(id);
    };
    const res = await t.http.get(`/api/documents/${FIRST_SEED}`).expect(200);
    expect(res.body.id).toBe(FIRST_SEED);
    expect(order).toEqual(['refresh', `read ${FIRST_SEED}`]);
    await t.http.get('/api/documents').expect(200);
    expect(order.filter((s) => s === 'refresh')).toHaveLength(2);
  });

  test('when a static file is asked for, then the store is not asked to catch up', async () => {
    let refreshed = 0;
    t.store.refresh = async () => {
      refreshed++;
    };
    await t.anonymous.get('/public/favicon.svg').expect(200);
    expect(refreshed).toBe(0);
  });

  test.each([
    ['a StorageUnavailableError', () => new StorageUnavailableError('the database could not be reached while catching up (connect ECONNREFUSED 127.0.0.1:5432); nothing was saved, try again')],
    ['any other error', () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
  ])('when catching up fails with %s, then an API call is a 503 storage_unavailable naming the cause, and nothing is written', async (_name, error) => {
    const before = await snapshotDir(t.dataDir);
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      t.store.refresh = async () => {
        throw error();
      };
      const res = await t.http.post('/api/documents').send({ title: 'Not saved', text: 'Nothing of this may be stored.' }).expect(503);
      expect(res.body.error.code).toBe('storage_unavailable');
      expect(res.body.error.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:5432/);
      expect(res.body.error.message).toMatch(/try again/);
      await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: 'Replaced.' }).expect(503);
    } finally {
      consoleError.mockRestore();
    }
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when catching up fails with an error that is not a network failure, then the 503 does not show its text (a damaged row quotes its data), and the log does', async () => {
    const logged: unknown[] = [];
    const consoleError = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(...args));
    try {
      t.store.refresh = async () => {
        throw new SyntaxError('Unexpected token \'s\', "secret-hash-bytes" is not valid JSON');
      };
      const res = await t.anonymous.get('/api/documents').expect(503);
      expect(res.body.error).toEqual({ code: 'storage_unavailable', message: 'the changes made through other servers could not be read (the cause is in the server log); nothing was saved, try again' });
      expect(JSON.stringify(res.body)).not.toContain('secret');
      expect(logged.some((x) => x instanceof SyntaxError && x.message.includes('secret-hash-bytes'))).toBe(true);
    } finally {
      consoleError.mockRestore();
    }
  });

  test('when catching up fails on a page, then the page is a 503 error page saying the database could not be reached', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      t.store.refresh = async () => {
        throw new StorageUnavailableError('the database could not be reached while catching up (Connection terminated unexpectedly); nothing was saved, try again');
      };
      const res = await t.http.get('/').expect(503);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('the database could not be reached');
    } finally {
      consoleError.mockRestore();
    }
  });

  test('when catching up works again, then the next request is answered as usual', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const refresh = t.store.refresh.bind(t.store);
    let down = true;
    t.store.refresh = async () => {
      if (down) throw new StorageUnavailableError('the database could not be reached');
      await refresh();
    };
    try {
      await t.http.get(`/api/documents/${FIRST_SEED}`).expect(503);
      down = false;
      await t.http.get(`/api/documents/${FIRST_SEED}`).expect(200);
    } finally {
      consoleError.mockRestore();
    }
  });
});
