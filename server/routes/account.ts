import { Router, type Request } from 'express';
import { z } from 'zod';
import type { UserStore } from '../auth/user-store.js';
import { UserError } from '../auth/user-store.js';
import { passwordMatches, passwordProblem } from '../auth/passwords.js';
import { badRequest, HttpError, notFound } from '../http-error.js';
import { parseWith } from './validate.js';

const tokenSchema = z.object({ name: z.string().trim().min(1, 'give the token a name').max(80, 'must be at most 80 characters').refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'contains control characters'), _csrf: z.string().optional() }).strict();
const passwordSchema = z.object({ current: z.string().max(1000), password: z.string().max(1000), _csrf: z.string().optional() });

/** Maps a user-store refusal to an HttpError (for routes). */
export function asHttp(err: unknown): never {
  if (err instanceof UserError) throw new HttpError(err.status, err.code, err.message);
  throw err;
}

function me(req: Request) {
  return req.user!;
}

/** /account (own password, own tokens) and the token API. */
export function accountRoutes(users: UserStore): Router {
  const router = Router();

  const page = (req: Request, extra: { error?: string | null; notice?: string | null; newToken?: string | null } = {}) => ({
    title: 'Account',
    account: users.get(me(req).username),
    tokens: users.tokensOf(me(req).username),
    error: null,
    notice: null,
    newToken: null,
    ...extra,
  });

  router.get('/account', (req, res) => {
    res.render('account/index', page(req));
  });

  router.post('/account/password', async (req, res) => {
    const body = parseWith(passwordSchema, req.body ?? {}, 'form');
    const user = users.get(me(req).username)!;
    if (!(await passwordMatches(user.passwordHash, body.current))) {
      res.status(400).render('account/index', page(req, { error: 'the current password is wrong; nothing was changed' }));
      return;
    }
    const problem = passwordProblem(body.password);
    if (problem) {
      res.status(400).render('account/index', page(req, { error: `${problem}; nothing was changed` }));
      return;
    }
    await users.change(user.username, { password: body.password }, req.auth?.sessionId).catch(asHttp);
    res.render('account/index', page(req, { notice: 'Your password was changed; your other sessions were signed out.' }));
  });

  router.post('/account/tokens', async (req, res) => {
    const body = parseWith(tokenSchema, req.body ?? {}, 'form');
    const { token } = await users.createToken(me(req).username, body.name).catch(asHttp);
    res.status(201).render('account/index', page(req, { newToken: token }));
  });

  router.post('/account/tokens/:id/revoke', async (req, res) => {
    if (!(await users.revokeToken(me(req).username, String(req.params.id)))) throw notFound(`you hold no token with id "${String(req.params.id).slice(0, 100)}"`);
    res.redirect(303, '/account');
  });

  router.get('/api/me', (req, res) => {
    res.json({ user: me(req) });
  });

  router.get('/api/tokens', (req, res) => {
    res.json(users.tokensOf(me(req).username).map(({ id, name, createdAt }) => ({ id, name, createdAt })));
  });

  /** 201 `{ id, name, token }`: the token is shown this once; only its hash is stored. */
  router.post('/api/tokens', async (req, res) => {
    if (req.body === undefined || typeof req.body !== 'object') throw badRequest('send a JSON body { "name": "..." }');
    const body = parseWith(tokenSchema, req.body);
    const { token, record } = await users.createToken(me(req).username, body.name).catch(asHttp);
    res.status(201).json({ id: record.id, name: record.name, createdAt: record.createdAt, token });
  });

  router.delete('/api/tokens/:id', async (req, res) => {
    if (!(await users.revokeToken(me(req).username, String(req.params.id)))) throw notFound(`you hold no token with id "${String(req.params.id).slice(0, 100)}"`);
    res.json({ revoked: String(req.params.id) });
  });

  return router;
}
