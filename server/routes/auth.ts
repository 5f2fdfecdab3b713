import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { UserStore } from '../auth/user-store.js';
import { SESSION_COOKIE } from '../auth/middleware.js';
import { SESSION_LIFETIME_MS } from '../auth/user-store.js';
import { HttpError } from '../http-error.js';
import { parseWith } from './validate.js';

/** Failed sign-ins allowed per username and per address within the window, before a 429. */
export const LOGIN_LIMIT = { failures: 10, windowMs: 15 * 60 * 1000 } as const;

const loginSchema = z.object({ username: z.string().max(100), password: z.string().max(1000), next: z.string().max(2000).optional(), _csrf: z.string().optional() });

/** Only a path on this site: not `//host` nor `/\host` (browsers read both as another host). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![\/\\])[^\u0000-\u001f\\]*$/.test(next) ? next : '/';
}

/** Two counters of failed sign-ins (successful ones are not counted): per address and per username. */
function loginLimiters() {
  const common = {
    windowMs: LOGIN_LIMIT.windowMs,
    limit: LOGIN_LIMIT.failures,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8' as const,
    legacyHeaders: false,
    handler: (_req: Request, _res: Response, next: (err: unknown) => void) =>
      next(new HttpError(429, 'too_many_attempts', `too many failed sign-ins: wait ${LOGIN_LIMIT.windowMs / 60000} minutes and try again`)),
  };
  return [
    rateLimit({ ...common, identifier: 'address' }),
    rateLimit({ ...common, identifier: 'username', keyGenerator: (req) => `user:${String(req.body?.username ?? '').trim().toLowerCase().slice(0, 100)}` }),
  ];
}

/** GET /healthz, the /login page, POST /login (form), POST /api/login (JSON), POST /logout. */
export function authRoutes(users: UserStore): Router {
  const router = Router();
  const limiters = loginLimiters();

  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  router.get('/login', (req, res) => {
    res.render('auth/login', { title: 'Sign in', next: safeNext(req.query.next), username: '', error: null });
  });

  /** Checks the credentials and starts a session; every failure is logged, never the password. */
  async function signIn(req: Request, res: Response) {
    const body = parseWith(loginSchema, req.body ?? {});
    const username = body.username.trim().toLowerCase();
    const user = await users.verify(username, body.password);
    if (!user) {
      console.warn(`sign-in failed for username ${JSON.stringify(username.slice(0, 100))} from ${req.ip}`);
      return null;
    }
    const session = await users.startSession(user.username);
    res.cookie(SESSION_COOKIE, session.sessionId, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: SESSION_LIFETIME_MS });
    return { user: { username: user.username, role: user.role }, csrfToken: session.csrfToken, next: safeNext(body.next) };
  }
  const WRONG = 'wrong username or password';

  router.post('/api/login', ...limiters, async (req, res) => {
    const done = await signIn(req, res);
    if (!done) throw new HttpError(401, 'bad_credentials', WRONG);
    res.json({ user: done.user, csrfToken: done.csrfToken });
  });

  router.post('/login', ...limiters, async (req, res) => {
    const done = await signIn(req, res);
    if (!done) {
      res.status(401).render('auth/login', { title: 'Sign in', next: safeNext(req.body?.next), username: String(req.body?.username ?? '').slice(0, 100), error: WRONG });
      return;
    }
    res.redirect(303, done.next);
  });

  router.post('/logout', async (req, res) => {
    if (req.auth?.sessionId) await users.endSession(req.auth.sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    if (req.accepts(['html', 'json']) === 'json' || req.is('json')) res.json({ signedOut: true });
    else res.redirect(303, '/login');
  });

  return router;
}
