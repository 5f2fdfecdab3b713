import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { detectPastedMarkup } from '../../server/domain/paste-detect.js';
import { FIXTURES_DIR, SEEDS_DIR } from '../helpers/app.js';

describe('detectPastedMarkup: HTML', () => {
  test('when a whole page is pasted, then its doctype, <html>, <head> and <body> are named', () => {
    const page = '<!DOCTYPE html>\n<html lang="en"><head><title>x</title></head>\n<body><p>Talks resumed on Monday.</p></body></html>';
    expect(detectPastedMarkup(page)).toEqual({
      looksLike: 'html',
      seen: ['a <!DOCTYPE html> line', 'a <html> tag', 'a <head> tag', 'a <body> tag'],
    });
  });

  test('when a fragment has three balanced tag pairs, then it is HTML and the commonest pairs are named', () => {
    const fragment = '<p>Talks resumed on Monday, officials said.</p>\n<p>The <a href="https://example.com">envoy</a> arrived late.</p>';
    expect(detectPastedMarkup(fragment)).toEqual({ looksLike: 'html', seen: ['3 tag pairs such as <p>…</p>, <a>…</a>'] });
  });

  test('when a fragment has only two tag pairs, then it is not flagged (the threshold is three)', () => {
    expect(detectPastedMarkup('<p>Talks resumed on Monday.</p><p>The envoy arrived late.</p>')).toBeNull();
  });

  test('when a long text quotes three tags, then the tag density is too low and it is not flagged', () => {
    const prose = 'The ministry published its figures on Tuesday after weeks of delay. '.repeat(100); // 6,800 characters
    const text = `${prose}\nThe leaked page used <b>bold</b>, <i>italic</i> and <em>emphasis</em> markup.`;
    expect(detectPastedMarkup(text)).toBeNull();
    // the same three pairs in a short text are dense enough
    expect(detectPastedMarkup('The leaked page used <b>bold</b>, <i>italic</i> and <em>emphasis</em> markup.')?.looksLike).toBe('html');
  });

  test('when closing tags have no opening tag, or the names are not HTML elements, then they are not pairs', () => {
    expect(detectPastedMarkup('</p></p></p> and <widget>a</widget><thing>b</thing><foo>c</foo>')).toBeNull();
  });

  test('when <header> appears, then it is not read as a <head> tag', () => {
    expect(detectPastedMarkup('The site sets <header> once.')).toBeNull();
  });

  test.each(['news-site.html', 'blog-meta-byline.html', 'amp-like.html', 'time-datetime.html'])('when the saved page %s is pasted, then it is HTML', async (file) => {
    const html = await readFile(join(FIXTURES_DIR, 'articles', file), 'utf8');
    expect(detectPastedMarkup(html)?.looksLike).toBe('html');
  });
});

describe('detectPastedMarkup: Markdown', () => {
  test('when a heading, a link and a list are pasted, then it is Markdown and each kind is named with its count', () => {
    const md = '# Talks resume\n\nThe envoy [said so](https://example.com/a) on Monday.\n\n- first point\n- second point\n';
    expect(detectPastedMarkup(md)).toEqual({
      looksLike: 'markdown',
      seen: ['1 heading (# …)', '2 list items (- …)', '1 link [words](http…)'],
    });
  });

  test('when emphasis and fenced code are pasted, then both are named', () => {
    const md = 'The **minister** said the *draft* was final.\n\n```\nquote = true\n```\n';
    expect(detectPastedMarkup(md)).toEqual({
      looksLike: 'markdown',
      seen: ['2 emphasised spans (*words*, **words**)', '1 fenced code block (```)'],
    });
  });

  test.each([
    ['only headings', '# One\n\nText.\n\n## Two\n\nMore text.'],
    ['only links', 'See [the report](https://example.com/r) and [the annex](https://example.com/a).'],
    ['only a list', '1. Rents rose.\n2. Wages did not.\n3. Nobody was surprised.'],
    ['only emphasis', 'It was *not* what the **minister** promised.'],
  ])('when there is %s (one kind of signal), then it is not flagged', (_what, text) => {
    expect(detectPastedMarkup(text)).toBeNull();
  });

  test('when a lone list item and a lone emphasised span appear, then neither counts (below their minimums)', () => {
    expect(detectPastedMarkup('- one point\n\nIt was *not* so. See [the report](https://example.com/r).')).toBeNull();
  });
});

describe('detectPastedMarkup: plain news text is not flagged', () => {
  test.each([
    ['comparisons with < and >', 'Turnout was < 40% in the north and > 60% in the south, where 3<5 polling stations opened late.'],
    ['a heart and guillemets', 'Fans wrote <3 under the post. <<Breaking>> the agency said later.'],
    ['a stray star and footnote stars', 'The 5* hotel was fined.\n*Names have been changed.\nShares fell 2%*.'],
    ['a product of numbers and snake_case', 'The formula 3*4*5 gave 60; the file was called budget_2024_final.xlsx.'],
    ['hashtags and numbered ranks', '#MeToo trended again.\n#1 seed Sabalenka won.\nIt rose to No. 1 in the charts.'],
    ['dashes in running text', 'The vote - delayed twice - passed.\n- said the clerk, who declined to be named.'],
    ['a bracketed aside and a URL', 'The ruling [seen by Reuters] cited https://example.com/ruling (page 4).'],
    ['an email quote with a single tag mention', 'She said the <p> tag was "broken".\n> quoted reply\n> second line'],
  ])('when the text has %s, then it is plain text', (_what, text) => {
    expect(detectPastedMarkup(text)).toBeNull();
  });

  test('when each seed article and each attribution fixture is checked, then none is flagged', async () => {
    const files = [
      ...(await readdir(SEEDS_DIR)).filter((f) => f.endsWith('.txt')).map((f) => join(SEEDS_DIR, f)),
      ...(await readdir(join(FIXTURES_DIR, 'attribution'))).filter((f) => f.endsWith('.txt')).map((f) => join(FIXTURES_DIR, 'attribution', f)),
    ];
    expect(files.length).toBeGreaterThan(5);
    const flagged: string[] = [];
    for (const file of files) if (detectPastedMarkup(await readFile(file, 'utf8'))) flagged.push(file);
    expect(flagged).toEqual([]);
  });
});
