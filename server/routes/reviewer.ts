import { Router } from 'express';
import { cleanName, USER_COOKIE } from './actor.js';

/** Remembers the reviewer's name in a cookie (until accounts exist) and goes back where they were. */
export function reviewerRoutes(): Router {
  const router = Router();
  router.post('/whoami', (req, res) => {
    const raw = typeof req.body?.name === 'string' ? req.body.name : '';
    const name = cleanName(raw);
    if (name) res.cookie(USER_COOKIE, name, { httpOnly: false, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
    else res.clearCookie(USER_COOKIE);
    // Only a path on this site: not `//host` nor `/\host` (browsers read both as another host).
    const back = typeof req.body?.back === 'string' && /^\/(?![\/\\])[^\u0000-\u001f\\]*$/.test(req.body.back) ? req.body.back : '/';
    res.redirect(303, back);
  });
  return router;
}
