import express, { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { importFiles, IMPORT_FORMATS, IMPORT_LIMITS, parseTypeMap, type ImportFormat } from '../services/import.js';
import { formatNamed } from '../domain/formats/registry.js';
import type { ImportReport } from '../domain/formats/report.js';
import type { NamedFile } from '../domain/formats/archive.js';
import { badRequest, HttpError, tooLarge } from '../http-error.js';
import { parseWith } from './validate.js';
import { actorOf, cleanName } from './actor.js';

/** Largest import upload (one body, or all files of a form together), in bytes. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
const MAX_IMPORT_FILES = 2_000;

const API_FORMATS = IMPORT_FORMATS as [string, ...string[]];

const flag = z
  .union([z.literal(''), z.enum(['1', '0', 'true', 'false', 'on', 'yes', 'no'])])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'on' || v === 'yes');

const importParamsSchema = z.object({
  format: z.enum(API_FORMATS, { error: `must be one of ${API_FORMATS.join(', ')}` }),
  annotator: z.string().max(80).optional(),
  skipBad: flag,
  map: z.string().max(2000).optional(),
  /** Preview: the report says what the import would do; nothing is written. */
  dryRun: flag,
  /** For a raw body: its file name, which says whether it is an archive (`.tar`, `.tar.gz`, `.zip`). */
  filename: z.string().max(200).optional(),
});

/** Refuses a declared body over the limit before a byte of it is read. */
function refuseLargeBodies(req: Request, _res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_IMPORT_BYTES) return next(tooLarge(`the upload is ${length} bytes; the limit is ${MAX_IMPORT_BYTES} (${MAX_IMPORT_BYTES / 1024 / 1024} MB)`));
  next();
}

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_BYTES, files: MAX_IMPORT_FILES, fields: 20 } });

/** Multipart: the uploaded files. Multer's limit errors become 413s. */
function receiveFiles(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('multipart/form-data')) return next();
  upload.array('file', MAX_IMPORT_FILES)(req, res, (err: unknown) => {
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return next(tooLarge(`a file is larger than the ${MAX_IMPORT_BYTES / 1024 / 1024} MB limit`));
      if (err.code === 'LIMIT_FILE_COUNT') return next(new HttpError(413, 'too_many_records', `more than ${MAX_IMPORT_FILES} files in one upload`));
      return next(badRequest(`the upload could not be read: ${err.message}`));
    }
    next(err);
  });
}

/** Any other body, raw, up to the limit (body-parser checks Content-Length first, then counts). */
const rawBody = express.raw({ type: (req) => !req.headers['content-type']?.startsWith('multipart/') && !req.headers['content-type']?.startsWith('application/json') && !req.headers['content-type']?.startsWith('application/x-www-form-urlencoded'), limit: MAX_IMPORT_BYTES });

const RAW_NAMES: Record<string, string> = { 'application/zip': 'upload.zip', 'application/x-tar': 'upload.tar', 'application/gzip': 'upload.tar.gz', 'application/x-gzip': 'upload.tar.gz' };

/** The files of a request: multipart uploads, or the body as one file. */
function filesOf(req: Request, filename: string | undefined, format: ImportFormat): NamedFile[] {
  const uploaded = (req.files as Express.Multer.File[] | undefined) ?? [];
  if (uploaded.length) return uploaded.map((f) => ({ name: f.originalname, content: f.buffer }));
  let content: Uint8Array | null = null;
  if (Buffer.isBuffer(req.body)) content = req.body;
  else if (req.is('application/json') && req.body !== undefined) content = Buffer.from(JSON.stringify(req.body));
  if (!content || content.length === 0) throw badRequest('no file: send it as the request body or as a multipart field "file"', 'missing_file');
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  const name = filename ?? RAW_NAMES[type] ?? (format === 'brat' ? 'upload.tar' : `upload.${format === 'w3c' ? 'json' : formatNamed(format)?.extension ?? 'jsonl'}`);
  return [{ name, content }];
}

function paramsOf(req: Request) {
  const body = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) && req.is('multipart/form-data') ? (req.body as Record<string, unknown>) : {};
  return parseWith(importParamsSchema, { ...body, ...req.query }, 'query');
}

async function runImport(store: Corpus, project: ProjectStore, req: Request): Promise<ImportReport> {
  const params = paramsOf(req);
  const files = filesOf(req, params.filename, params.format);
  const importedBy = actorOf(req);
  const annotator = cleanAnnotator(params.annotator) ?? importedBy;
  return importFiles(store, project, files, { format: params.format, annotator, importedBy, skipBad: params.skipBad, map: parseTypeMap(params.map), dryRun: params.dryRun });
}

/** The `annotator` parameter cleaned as every actor name is (control characters out, cut to length); `null` when nothing is left. */
function cleanAnnotator(given: string | undefined): string | null {
  if (given === undefined) return null;
  return cleanName(given) || null;
}

/** The importable formats, as the registry lists them, for the form. */
function importFormats(): { name: string; description: string }[] {
  return IMPORT_FORMATS.map((name) => ({ name, description: formatNamed(name)?.description ?? '' }));
}

/** The reviewer's name for the form, empty when nobody has given one. */
function namedActor(req: Request): string {
  const actor = actorOf(req);
  return actor === 'anonymous' ? '' : actor;
}

function failure(report: ImportReport): HttpError {
  const first = report.errors[0];
  const where = first.line === undefined ? first.file : `${first.file}:${first.line}`;
  const more = report.errors.length > 1 ? ` (and ${report.errors.length - 1} more)` : '';
  return new HttpError(400, 'invalid_import', `nothing was imported: ${where}: ${first.message}${more}`, report);
}

/** POST /api/import (file as body or multipart) and the /import upload page. */
export function importRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();

  router.post('/api/import', refuseLargeBodies, receiveFiles, rawBody, async (req, res) => {
    const report = await runImport(store, project, req);
    if (!report.committed && report.errors.length) throw failure(report);
    res.json(report);
  });

  router.get('/import', (req, res) => {
    res.render('import/index', { title: 'Import', formats: importFormats(), values: { format: 'jsonl', annotator: namedActor(req) }, report: null, error: null, limits: { ...IMPORT_LIMITS, bytes: MAX_IMPORT_BYTES } });
  });

  router.post('/import', refuseLargeBodies, receiveFiles, async (req, res) => {
    const values = { format: 'jsonl', annotator: namedActor(req), ...(req.body as Record<string, string>) };
    const limits = { ...IMPORT_LIMITS, bytes: MAX_IMPORT_BYTES };
    try {
      const report = await runImport(store, project, req);
      const failed = !report.committed && report.errors.length > 0;
      res.status(failed ? 400 : 200).render('import/index', { title: 'Import', formats: importFormats(), values, report, error: failed ? failure(report).message : null, limits });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      res.status(err.status).render('import/index', { title: 'Import', formats: importFormats(), values, report: null, error: err.message, limits });
    }
  });

  return router;
}
