import { Router } from 'express';
import { MAX_ACTOR_LENGTH, USER_COOKIE } from './actor.js';

/** Remembers the reviewer's name in a cookie (until accounts exist) and goes back where they were. */
export function reviewerRoutes(): Router {
  const router = Router();
  router.post('/whoami', (req, res) => {
    const raw = typeof req.body?.name === 'string' ? req.body.name : '';
    const name = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_ACTOR_LENGTH);
    if (name) res.cookie(USER_COOKIE, name, { httpOnly: false, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
    else res.clearCookie(USER_COOKIE);
    const back = typeof req.body?.back === 'string' && /^\/(?!\/)/.test(req.body.back) ? req.body.back : '/';
    res.redirect(303, back);
  });
  return router;
}
