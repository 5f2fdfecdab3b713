import { createDocument, type SourceFormat } from '../documents.js';
import { parseSeed } from '../seeds.js';
import type { NamedFile } from './archive.js';
import { idFromFileName } from './drafts.js';
import { textOf } from './decode-text.js';
import { emptyDecoded, type DecodeContext, type Decoded, type Format } from './format.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A `.txt`, `.md` or `.html` file becomes a document, like a seed (a ` date YYYY-MM-DD ` first line, a `.meta.json` sidecar). */
function decodeSourceFile(f: NamedFile, all: NamedFile[], out: Decoded, ctx: DecodeContext): void {
  const format: SourceFormat | null = /\.txt$/i.test(f.name) ? 'text' : /\.(md|markdown)$/i.test(f.name) ? 'markdown' : /\.html?$/i.test(f.name) ? 'html' : null;
  if (!format) {
    if (!/\.meta\.json$/i.test(f.name)) ctx.report.skipped.push({ file: f.name, item: 'file', reason: 'not a .txt, .md or .html file' });
    return;
  }
  const content = textOf(f, ctx.report);
  if (content === null) return;
  if (content.length > ctx.maxTextLength) return void ctx.report.errors.push({ file: f.name, message: `the file is ${content.length} characters; the limit is ${ctx.maxTextLength}` });
  const sidecarFile = all.find((s) => s.name === f.name.replace(/\.[^.]+$/, '.meta.json'));
  let sidecar: Record<string, string> = {};
  if (sidecarFile) {
    try {
      sidecar = JSON.parse(utf8.decode(sidecarFile.content)) as Record<string, string>;
    } catch (err) {
      return void ctx.report.errors.push({ file: sidecarFile.name, message: `not valid JSON: ${(err as Error).message}` });
    }
  }
  const seed = parseSeed(f.name.replace(/^.*\//, ''), content, { ...sidecar, format });
  const doc = createDocument({ id: 'x', body: seed.body, format: seed.format, meta: seed.meta, author: 'import', now: '' });
  const text = doc.revisions[0].text;
  if (text.trim() === '') return void ctx.report.errors.push({ file: f.name, message: `the ${format} has no readable text once cleaned` });
  out.documents.push({ kind: 'text', place: { file: f.name }, id: idFromFileName(f.name) ?? undefined, text, meta: doc.meta, labels: [] });
}

/** Import only: plain text, Markdown and HTML files, one document each (the CLI's default for a folder of texts). */
export const sourceFilesFormat: Format = {
  name: 'files',
  description: 'import only: `.txt`, `.md` and `.html` files, one document each, with an optional `NAME.meta.json` beside each',
  extension: 'txt',
  contentType: 'text/plain; charset=utf-8',
  decode: (files, ctx) => {
    const out = emptyDecoded();
    for (const f of files) decodeSourceFile(f, files, out, ctx);
    return out;
  },
};
