import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

const TESTS_DIR = resolve('tests');

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== join(TESTS_DIR, 'fixtures')) out.push(...(await sourceFiles(path)));
    } else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

// Path uses of the folder beside the repository that a clone does not have: its relative path, ".." and its name as path parts.
/** Written apart so that this file does not itself name the folder's path (a clone has no such folder). */
const UP = '..';
const NAME = ['sha', 'red'].join('');
const Q = `['"\`]`;
const SHARED_PATH = new RegExp(
  [`\\.\\.\\/${NAME}\\b`, `${Q}${NAME}${Q}\\s*[,)]`, `${Q}\\.\\.${Q}\\s*,\\s*${Q}${NAME}${Q}`, `\\/work\\/${NAME}\\b`].join('|'),
);

describe('clean clone', () => {
  test('when the project is cloned without the shared folder, then no test file refers to it', async () => {
    const files = await sourceFiles(TESTS_DIR);
    expect(files.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const file of files) {
      // This guard and the clean-clone run name the folder only to prove it is not there.
      if (file === join(TESTS_DIR, 'no-outside-fixtures.test.ts') || file === join(TESTS_DIR, 'clean-clone.test.ts')) continue;
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (SHARED_PATH.test(line)) offenders.push(`${relative(TESTS_DIR, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  test('when the pattern meets the old shared-folder path uses, then it catches each of them', () => {
    expect(SHARED_PATH.test(`export const SHARED_DIR = resolve('${UP}', '${NAME}');`)).toBe(true);
    expect(SHARED_PATH.test(`join(root, '${UP}/${NAME}/fixtures')`)).toBe(true);
    expect(SHARED_PATH.test(`readFile('/work/${NAME}/fixtures/README.md')`)).toBe(true);
    expect(SHARED_PATH.test("expect(res.text).toContain('1 statement shared with other documents');")).toBe(false);
  });
});
