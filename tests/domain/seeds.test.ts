import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeed } from '../../server/domain/seeds.js';
import { createDocument, deriveTitle } from '../../server/domain/documents.js';
import { SEEDS_DIR } from '../helpers/app.js';

const seed = (name: string) => readFileSync(join(SEEDS_DIR, name), 'utf8');
const sidecar = (name: string) => {
  try {
    return JSON.parse(readFileSync(join(SEEDS_DIR, name.replace('.txt', '.meta.json')), 'utf8'));
  } catch {
    return {};
  }
};
function load(name: string) {
  const s = parseSeed(name, seed(name), sidecar(name));
  return createDocument({ id: s.id, body: s.body, format: s.format, meta: s.meta, author: 'seed', now: '2026-01-01T00:00:00.000Z' });
}

describe('seed parsing', () => {
  test.each([
    ['000_b5b79bfe33936fda.txt', '2022-12-06', 'Secretary of State Anthony Blinken is warning that Russia might try'],
    ['002_f9b24e5332cffdf2.txt', '2022-01-06', 'United States Secretary of State Antony Blinken on Wednesday averred'],
    ['003_975f8ef28e3c2c11.txt', '2022-03-03', 'Ukrainian and Russian officials meet for second round of peace talks\nRussian and Ukrainian'],
  ])('when %s starts with " date %s", then that is publishedAt and the rest of the line opens the text', (file, date, opening) => {
    const doc = load(file);
    expect(doc.meta.publishedAt).toBe(date);
    expect(doc.revisions[0].text.startsWith(opening)).toBe(true);
    expect(doc.revisions[0].text).toBe(seed(file).slice(` date ${date} `.length));
  });

  test('when a seed has no date line, then its text is the file exactly and it has no publishedAt', () => {
    const doc = load('001_b1fe9c773694e9ae.txt');
    expect(doc.meta.publishedAt).toBeUndefined();
    expect(doc.revisions[0].text).toBe(seed('001_b1fe9c773694e9ae.txt'));
    expect(doc.meta.title).toBe("Ceasefire In Ukraine 'Not Going To Be Game Over' In Putin's Mind, Blinken Says");
    expect(doc.meta.outlet).toBe('TURAN');
  });

  test('when the Global Research seed is read, then its Markdown links and emphasis become plain text', () => {
    const doc = load('004_062c31817f8f94f3.txt');
    const text = doc.revisions[0].text;
    expect(doc.meta).toMatchObject({ title: "Zelensky's Sabotage of Ukraine-Russia Peace Negotiations on Behalf of Washington", outlet: 'Global Research', publishedAt: '2022-04-06', author: 'Nauman Sadiq' });
    expect(text).not.toMatch(/\]\(#\)|\*\*|\[|\]\(/);
    expect(text.split('\n\n').slice(0, 4)).toEqual([
      "Zelensky's Sabotage of Ukraine-Russia Peace Negotiations on Behalf of Washington",
      'By Nauman Sadiq',
      'Global Research, April 06, 2022',
      'Region: Europe, Russia and FSU, USA',
    ]);
    expect(text).toContain('US Secretary of State Antony Blinken handed over the “power of attorney”');
    expect(text).toContain('confirming in an NBC News interview that Zelensky—one');
  });

  test('when the Axios seed is read, then the outlet is Axios and its title is the heading line', () => {
    const doc = load('003_975f8ef28e3c2c11.txt');
    expect(doc.meta).toMatchObject({ title: 'Ukrainian and Russian officials meet for second round of peace talks', outlet: 'Axios' });
  });
});

describe('deriveTitle', () => {
  test.each([
    ['Short heading\n\nBody text. More.', 'Short heading'],
    ['He said “go.” Then he left.\nMore', 'He said “go.”'],
    ['   \n\nFirst sentence here. Second.', 'First sentence here.'],
    ['', 'Untitled document'],
    [`${'word '.repeat(60)}end.`, `${'word '.repeat(31).trim()}…`],
  ])('when the text is %j, then the title is %j', (text, title) => {
    expect(deriveTitle(text)).toBe(title);
  });
});
