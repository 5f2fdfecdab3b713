import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Corpus } from './store/corpus.js';
import { StorageUnavailableError } from './store/postgres/errors.js';
import type { ProjectStore } from './store/project-store.js';
import { HttpError } from './http-error.js';
import { allowedHosts } from './allowed-hosts.js';
import { LOOPBACK_HOSTS } from './config.js';
import { documentsApi } from './routes/documents-api.js';
import { documentsPages } from './routes/documents-pages.js';
import { actorOf } from './routes/actor.js';
import { labelsApi } from './routes/labels-api.js';
import { historyRoutes } from './routes/history.js';
import { revisionRoutes } from './routes/revisions.js';
import { exportRoutes } from './routes/export.js';
import { importRoutes } from './routes/import.js';
import { compareRoutes } from './routes/compare.js';
import { speakerRoutes } from './routes/speakers.js';
import { outletRoutes } from './routes/outlets.js';
import { verdictRoutes } from './routes/verdicts.js';
import { answerRoutes } from './routes/answers.js';
import { labelTypeRoutes } from './routes/label-types.js';
import { suggestionRoutes } from './routes/suggestions.js';
import { agreementRoutes } from './routes/agreement.js';
import { trashRoutes } from './routes/trash.js';
import type { UserStore } from './auth/user-store.js';
import type { TeamStore } from './auth/team-store.js';
import { authenticate, authorize, csrfProtection, viewLocals } from './auth/middleware.js';
import { authRoutes } from './routes/auth.js';
import { accountRoutes } from './routes/account.js';
import { usersRoutes } from './routes/users.js';
import { assignmentRoutes } from './routes/assignments.js';
import { adjudicationRoutes } from './routes/adjudication.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Largest JSON or form body accepted, before it is buffered (checked against Content-Length). */
export const MAX_BODY = '5mb';
const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Deepest nesting of arrays and objects accepted in a JSON body (deeper bodies overflow the stack later). */
export const MAX_JSON_DEPTH = 64;
/** Keys refused anywhere in a request body: they could reach an object's prototype. */
export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];

export interface AppDeps {
  /** Documents, catalogue, trash and small states: a data folder or PostgreSQL (server/store/corpus.ts). */
  store: Corpus;
  project: ProjectStore;
  /** Accounts, sessions and API tokens (users.json). */
  users: UserStore;
  /** Assignments and team settings (team.json). */
  team: TeamStore;
  /** Behind a reverse proxy: trust one hop of X-Forwarded-* (secure cookies, client address for rate limits). */
  trustProxy?: boolean;
  /** Host names the `Host` header may carry (any port); default: the loopback names. */
  allowedHosts?: readonly string[];
  /** Keep compiled templates (default); false compiles them on each render (`NODE_ENV=development`). */
  viewCache?: boolean;
}

/** Builds the express app over injected stores; does no IO of its own at import. */
export function createApp({ store, project, users, team, trustProxy = false, allowedHosts: hosts = LOOPBACK_HOSTS, viewCache = true }: AppDeps): Express {
  const app = express();
  app.set('views', join(root, 'views'));
  app.set('view engine', 'ejs');
  app.set('view cache', viewCache);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  if (trustProxy) app.set('trust proxy', 1);

  app.use(allowedHosts(hosts)); // first: a DNS-rebinding request reaches nothing
  app.use(securityHeaders);
  app.use('/public', express.static(join(root, 'public'), { maxAge: '1h' }));
  app.use(catchUp(store)); // on a shared database, first the changes other app servers made
  app.use(refuseAnnouncedLargeBodies);
  app.use(express.json({ limit: MAX_BODY, strict: true, verify: checkJsonDepth }));
  app.use(express.urlencoded({ limit: MAX_BODY, extended: false, parameterLimit: 1000 }));
  app.use(refuseForbiddenKeys);
  app.use(cookieParser());
  // Who is calling, then CSRF, then the permission table (server/auth/permissions.ts): before any route.
  app.use(authenticate(users));
  app.use(csrfProtection);
  app.use(authorize(users, team, store));
  app.use(viewLocals);
  app.use((req, res, next) => {
    res.locals.user = actorOf(req);
    res.locals.path = req.path;
    next();
  });

  // Route table: every route of the app is reachable from here.
  app.use('/', authRoutes(users)); // /healthz, /login, /api/login, /logout
  app.use('/', accountRoutes(users)); // /account, /api/tokens
  app.use('/', usersRoutes(users, team)); // /admin/users, /api/users, /api/settings
  app.use('/', assignmentRoutes(store, users, team)); // /queue, /assignments, /api/documents/:id/assignments|submit
  app.use('/', adjudicationRoutes(store, project)); // /documents/:id/adjudicate, /api/documents/:id/gold
  app.use('/api/documents', documentsApi(store, { team, users }));
  app.use('/api/documents/:id/labels', labelsApi(store, project));
  app.use('/', revisionRoutes(store, project)); // /api/documents/:id/text|revisions|diff, /documents/:id/revisions, /documents/:id/edit
  app.use('/', historyRoutes(store, project)); // /api/documents/:id/events, /documents/:id/history
  app.use('/', verdictRoutes(store)); // /api/documents/:id/labels/:labelId/verdict, /api/verdict-settings (ClaimReview is the export format claimreview)
  app.use('/', exportRoutes(store, project)); // /api/export, /export
  app.use('/', importRoutes(store, project)); // /api/import, /import
  app.use('/', compareRoutes(store, project)); // /api/compare, /compare
  app.use('/', outletRoutes(store, project)); // /api/outlets, /outlets, /outlets/:name
  app.use('/', answerRoutes(store)); // /api/questions[/template], /api/documents/:id/answers, /api/answers[/agreement], /documents/:id/questions
  app.use('/', speakerRoutes(store, project)); // /api/speakers, /api/speakers/:id[/merge|/split], /api/speakers/merges/:mergeId/undo, /speakers, /speakers/:id
  app.use('/', suggestionRoutes(store, project)); // /api/documents/:id/suggestions, /documents/:id/suggestions/:sid/accept|reject
  app.use('/', agreementRoutes(store, team)); // /api/agreement, /agreement
  app.use('/', labelTypeRoutes(project, store)); // /api/label-types, /label-types, /label-types.css
  app.use('/', trashRoutes(store)); // DELETE /api/documents/:id, /api/trash, /trash, /documents/:id/delete
  app.use('/', documentsPages(store, project, { team, users }));

  app.use((req) => {
    throw new HttpError(404, 'not_found', `nothing at ${req.method} ${req.path}`);
  });
  app.use(errorHandler);
  return app;
}

/**
 * Brings the store up to date with the changes other app servers made on a shared database before
 * the request reads anything (`Corpus.refresh`; a no-op for a data folder). A database that cannot
 * be reached is a 503 (StorageUnavailableError): nothing was read or written, the client may retry.
 */
function catchUp(store: Corpus): RequestHandler {
  return async (_req, _res, next) => {
    try {
      await store.refresh();
    } catch (err) {
      if (err instanceof StorageUnavailableError) throw err;
      // This answer goes to anyone, signed in or not: it names a network failure (a system error
      // code such as ECONNREFUSED, or a PostgreSQL error of the classes connection exception 08,
      // insufficient resources 53, object not in prerequisite state 55, operator intervention 57,
      // system error 58, whose texts hold no data), never other text (a damaged row's parse error
      // quotes its data).
      const code = (err as { code?: unknown })?.code;
      const named = typeof code === 'string' && (/^E[A-Z]+$/.test(code) || /^(08|53|55|57|58)[0-9A-Z]{3}$/.test(code));
      const cause = named ? (err as Error).message : 'the cause is in the server log';
      if (cause === 'the cause is in the server log') console.error('catching up with other servers failed:', err);
      throw new StorageUnavailableError(`the changes made through other servers could not be read (${cause}); nothing was saved, try again`, { cause: err });
    }
    next();
  };
}

/** helmet's headers, with the same strict Content-Security-Policy as before helmet. */
const securityHeaders = helmet({
  // same-origin: other sites get no referrer, and our own form posts keep their Origin header.
  referrerPolicy: { policy: 'same-origin' },
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'"],
      scriptSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
});

/**
 * A JSON or form body whose Content-Length is over the limit gets its 413 at once, and the
 * connection is closed: body-parser would read (and discard) the whole upload before answering.
 * Other content types (file uploads) are left to the routes that accept them.
 */
const refuseAnnouncedLargeBodies: RequestHandler = (req, res, next) => {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES && req.is(['json', '+json', 'urlencoded'])) {
    res.set('Connection', 'close');
    throw new HttpError(413, 'too_large', `the request body is larger than the ${MAX_BODY} limit`);
  }
  next();
};

/** body-parser `verify` hook: refuses JSON nested deeper than MAX_JSON_DEPTH, before it is parsed. */
function checkJsonDepth(_req: unknown, _res: unknown, buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw Object.assign(new Error(`the JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`), { status: 400, type: 'json.too.deep' });
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** Refuses a parsed body (JSON or form) holding a key such as `__proto__` at any depth. */
const refuseForbiddenKeys: RequestHandler = (req, _res, next) => {
  const stack: unknown[] = [req.body];
  while (stack.length) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.includes(key)) {
        throw new HttpError(400, 'forbidden_key', `the request body may not contain the key "${key}"`);
      }
      stack.push((value as Record<string, unknown>)[key]);
    }
  }
  next();
};

const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const httpError = toHttpError(err);
  // A 5xx thrown on purpose as an HttpError (the statement index still being built) is no fault to log.
  if (httpError.status >= 500 && !(err instanceof HttpError)) console.error(err);
  if (res.headersSent) return res.destroy();
  res.status(httpError.status);
  if (req.path.startsWith('/api/')) {
    res.json({ error: { code: httpError.code, message: httpError.message, ...(httpError.details ? { details: httpError.details } : {}) } });
    return;
  }
  // The body may have been refused before the middleware that sets these ran.
  res.locals.path ??= req.path;
  res.locals.user ??= 'anonymous';
  res.render('errors/error', { title: `Error ${httpError.status}`, error: httpError }, (renderError, html) => {
    if (renderError) {
      console.error(renderError);
      res.type('text/plain').send(`Error ${httpError.status}: ${httpError.message}`);
    } else {
      res.send(html);
    }
  });
};

/** Maps body-parser and unknown errors to HttpErrors with a message a user can act on. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  // The database cannot be reached (PostgreSQL backend): the transaction rolled back, try again later.
  if (err instanceof StorageUnavailableError) return new HttpError(503, err.code, err.message);
  const e = err as { type?: string; status?: number; limit?: number; message?: string; name?: string; code?: string; field?: string };
  if (e.name === 'MulterError') return multerError(e.code, e.field);
  switch (e.type) {
    case 'json.too.deep':
      return new HttpError(400, 'too_deep', e.message ?? 'the JSON body is nested too deeply');
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', `the request body is not valid JSON: ${e.message}`);
    case 'entity.too.large':
      return new HttpError(413, 'too_large', `the request body is larger than the ${MAX_BODY} limit`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_encoding', e.message ?? 'unsupported encoding');
    case 'parameters.too.many':
      return new HttpError(413, 'too_many_parameters', 'the form has too many fields');
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, typeof e.code === 'string' && /^[a-z_]+$/.test(e.code) ? e.code : 'bad_request', e.message ?? 'bad request');
  }
  return new HttpError(500, 'internal', 'something went wrong on the server; the error was logged');
}

/** Upload limits hit while multer streams a multipart body: 413, nothing buffered past the limit. */
function multerError(code: string | undefined, field: string | undefined): HttpError {
  const what = field ? ` (field "${field}")` : '';
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return new HttpError(413, 'too_large', `the uploaded file is larger than the limit${what}`);
    case 'LIMIT_FIELD_VALUE':
    case 'LIMIT_FIELD_KEY':
      return new HttpError(413, 'too_large', `a form field is longer than the limit${what}`);
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_FIELD_COUNT':
      return new HttpError(413, 'too_many_parts', 'the upload has too many files or fields');
    default:
      return new HttpError(400, 'bad_upload', `the upload was refused${what}`);
  }
}
