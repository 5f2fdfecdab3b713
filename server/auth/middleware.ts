import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http-error.js';
import { permissionFor, type Permission } from './permissions.js';
import type { Corpus } from '../store/corpus.js';
import type { Label } from '../domain/types.js';
import { layerOf } from '../domain/layers.js';
import { roleAtLeast, type AuthUser, type Role } from './roles.js';
import type { UserStore } from './user-store.js';
import type { TeamStore } from './team-store.js';
import { blindFor, isBlindAnnotator, visibleDocument, visibleSpeakerNames } from './visibility.js';
import './types.js';

export const SESSION_COOKIE = 'framewise_session';
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

const isApi = (req: Request) => req.path.startsWith('/api/');

/**
 * Finds who is calling: `Authorization: Bearer <token>` (a bad token is a 401 at once), else the
 * session cookie (an unknown or ended session is simply no user).
 */
export function authenticate(users: UserStore): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const user = m ? users.tokenUser(m[1]) : null;
      if (!user) throw new HttpError(401, 'bad_token', 'the API token is not valid: it is unknown, revoked, or its user is disabled');
      req.user = user;
      req.auth = { method: 'token' };
      return next();
    }
    const sessionId = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    if (typeof sessionId === 'string' && sessionId) {
      const found = users.session(sessionId);
      if (found) {
        req.user = found.user;
        req.auth = { method: 'session', sessionId, csrfToken: found.csrfToken };
      } else {
        res.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    next();
  };
}

/** The origin this request was sent to, as a browser would write it in `Origin`. */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The CSRF token sent with a request: header, form field, or (multipart forms only) query. */
function sentToken(req: Request): string | null {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && typeof body._csrf === 'string') return body._csrf;
  if (req.is('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
  return null;
}

/**
 * State-changing requests not made with a bearer token must come from this site (`Sec-Fetch-Site`
 * and `Origin` checked when the browser sends them) and, once signed in, carry the session's CSRF
 * token. Refusals are 403s, before any route runs.
 */
export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.includes(req.method) || req.auth?.method === 'token') return next();
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    throw new HttpError(403, 'cross_site', `refused: this request came from another site (Sec-Fetch-Site: ${site.slice(0, 40)})`);
  }
  // A browser that sends Sec-Fetch-Site has said enough; older ones send Origin (never "null" from us).
  const origin = req.headers.origin;
  if (typeof site !== 'string' && typeof origin === 'string' && origin !== ownOrigin(req)) {
    throw new HttpError(403, 'cross_site', `refused: this request came from another site (Origin: ${origin.slice(0, 100)})`);
  }
  if (req.auth?.method === 'session') {
    const token = sentToken(req);
    if (token === null) throw new HttpError(403, 'csrf_missing', 'refused: the CSRF token is missing (send the X-CSRF-Token header or the _csrf form field; reload the page)');
    if (!sameToken(token, req.auth.csrfToken ?? '')) throw new HttpError(403, 'csrf_invalid', 'refused: the CSRF token is wrong or from an ended session; reload the page');
  }
  // Routes validate their forms strictly: the token has done its job.
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && '_csrf' in body) delete body._csrf;
  next();
};

/**
 * Throws the 403 naming the role needed when `user` is weaker than `needed`: the table's refusal,
 * also for rules finer than a route (a gold answer needs an editor).
 */
export function requireRole(user: AuthUser, needed: Role): void {
  if (!roleAtLeast(user.role, needed)) throw new HttpError(403, 'forbidden', `this needs the role "${needed}" or higher; you are "${user.role}"`);
}

/** Checks the request against the permission table (server/auth/permissions.ts). */
export function authorize(users: UserStore, team: TeamStore, store: Corpus): RequestHandler {
  return async (req, res, next) => {
    const { permission, params } = permissionFor(req.method, req.path);
    if (permission.rule === 'public') return next();
    const user = req.user;
    if (!user) {
      if (!isApi(req) && req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
        return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      }
      throw new HttpError(401, 'unauthenticated', 'sign in first: POST /api/login, or send Authorization: Bearer <token>');
    }
    if (permission.rule !== 'signed-in') requireRole(user, permission.rule);
    if (permission.corpusWide && user.role === 'annotator' && blindFor(users, team)) {
      throw new HttpError(403, 'blind', 'blind labelling is on: annotators do not see corpus-wide views (compare, outlets, speakers, export, agreement)');
    }
    if (user.role === 'annotator') await annotatorChecks(permission, params, user.username, store, team);
    req.visibleDocument = (doc) => visibleDocument(doc, user, users, team);
    req.blindAnnotator = isBlindAnnotator(user, users, team);
    req.visibleSpeakerNames = () => visibleSpeakerNames(user, users, team, (id) => store.getDocument(id));
    next();
  };
}

/**
 * An annotator works only on the documents assigned to them, and changes only their own labels.
 * A document or label that does not exist is left for the route to answer (404).
 */
async function annotatorChecks(permission: Permission, params: Record<string, string>, username: string, store: Corpus, team: TeamStore): Promise<void> {
  if (!permission.assigned && !permission.ownLabel) return;
  const doc = params.id ? await store.getDocument(params.id) : null;
  if (!doc) return;
  if (permission.assigned && !team.assignmentsOf(doc.id)[username]) {
    throw new HttpError(403, 'not_assigned', 'you are not assigned to this document: an editor assigns documents to annotators');
  }
  if (permission.ownLabel && params.labelId) {
    const label = doc.labels.find((l) => l.id === params.labelId) ?? ([...doc.events].reverse().find((e) => e.kind === 'label.deleted' && e.labelId === params.labelId)?.before as Label | undefined);
    if (label && layerOf(label) !== username) {
      throw new HttpError(403, 'not_your_label', 'annotators may change only their own labels; this one is not yours (an editor may change it)');
    }
  }
}

/**
 * Exposes the user and CSRF token to views, and adds the `_csrf` hidden field to every POST form
 * a view renders (and to the action of multipart forms, whose body is read later), so no form can
 * forget it.
 */
export const viewLocals: RequestHandler = (req, res, next) => {
  res.locals.currentUser = req.user ?? null;
  res.locals.csrfToken = req.auth?.csrfToken ?? '';
  const token = req.auth?.csrfToken;
  if (token) {
    const render = res.render.bind(res) as Response['render'];
    res.render = ((view: string, options?: object | ((err: Error, html: string) => void), callback?: (err: Error, html: string) => void) => {
      const cb = typeof options === 'function' ? options : callback;
      const opts = typeof options === 'function' ? {} : options ?? {};
      render(view, opts, (err: Error, html: string) => {
        if (err) return cb ? cb(err, html) : req.next!(err);
        const out = withCsrfFields(html, token);
        if (cb) cb(err, out);
        else res.send(out);
      });
    }) as Response['render'];
  }
  next();
};

/** Adds the hidden `_csrf` field after every `<form method="post">` tag of `html`. */
export function withCsrfFields(html: string, token: string): string {
  const field = `<input type="hidden" name="_csrf" value="${token}">`;
  return html.replace(/<form\b[^>]*>/gi, (tag) => {
    if (!/\bmethod\s*=\s*["']?post\b/i.test(tag)) return tag;
    let out = tag;
    if (/\benctype\s*=\s*["']?multipart\/form-data/i.test(tag)) {
      out = out.replace(/\baction\s*=\s*"([^"]*)"/i, (_m, action: string) => `action="${action}${action.includes('?') ? '&amp;' : '?'}_csrf=${token}"`);
    }
    return `${out}${field}`;
  });
}
