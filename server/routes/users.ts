import { Router } from 'express';
import { z } from 'zod';
import type { UserStore } from '../auth/user-store.js';
import type { TeamStore } from '../auth/team-store.js';
import { usernameProblem } from '../auth/user-store.js';
import { passwordProblem } from '../auth/passwords.js';
import { ROLES } from '../auth/roles.js';
import { blindFor } from '../auth/visibility.js';
import { badRequest, notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { asHttp } from './account.js';

const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
const newUserSchema = z.object({ username: z.string().max(100), password: z.string().max(1000), role, _csrf: z.string().optional() }).strict();
const userPatchSchema = z.object({ role: role.optional(), disabled: z.boolean().optional(), password: z.string().max(1000).optional() }).strict();
const settingsSchema = z
  .object({ blind: z.enum(['auto', 'on', 'off']).optional(), annotatorsPerDocument: z.number().int().min(1).max(50).nullable().optional() })
  .strict();

/** Most users a project may have. */
export const MAX_USERS = 1000;

const publicUser = (u: { username: string; role: string; disabled: boolean; createdAt: string }) => ({ username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt });

/** /admin/users, /api/users, /api/settings: admins manage accounts and project settings (users are never deleted). */
export function usersRoutes(users: UserStore, team: TeamStore): Router {
  const router = Router();

  async function create(body: z.infer<typeof newUserSchema>) {
    const problem = usernameProblem(body.username) ?? passwordProblem(body.password);
    if (problem) throw badRequest(problem, 'invalid_user');
    if (users.count() >= MAX_USERS) throw badRequest(`a project holds at most ${MAX_USERS} users`, 'too_many_users');
    return users.create(body.username, body.password, body.role).catch(asHttp);
  }

  async function change(username: string, patch: z.infer<typeof userPatchSchema>) {
    if (!users.get(username)) throw notFound(`no user named "${username.slice(0, 100)}"`);
    if (patch.password !== undefined) {
      const problem = passwordProblem(patch.password);
      if (problem) throw badRequest(problem, 'invalid_password');
    }
    return users.change(username, patch).catch(asHttp);
  }

  router.get('/api/users', (_req, res) => {
    res.json(users.list().map(publicUser));
  });

  router.post('/api/users', async (req, res) => {
    const user = await create(parseWith(newUserSchema, req.body ?? {}));
    res.status(201).location(`/api/users/${user.username}`).json(publicUser(user));
  });

  router.patch('/api/users/:username', async (req, res) => {
    const patch = parseWith(userPatchSchema, req.body ?? {});
    res.json(publicUser(await change(String(req.params.username), patch)));
  });

  router.get('/api/settings', (_req, res) => {
    res.json({ ...team.settings(), blindInForce: blindFor(users, team) });
  });

  router.put('/api/settings', async (req, res) => {
    const patch = parseWith(settingsSchema, req.body ?? {});
    await team.changeSettings(patch);
    res.json({ ...team.settings(), blindInForce: blindFor(users, team) });
  });

  const page = (extra: { error?: string | null; notice?: string | null } = {}) => ({
    title: 'Users',
    users: users.list(),
    roles: ROLES,
    settings: team.settings(),
    blindInForce: blindFor(users, team),
    error: null,
    notice: null,
    ...extra,
  });

  router.get('/admin/users', (_req, res) => {
    res.render('admin/users', page());
  });

  router.post('/admin/users', async (req, res) => {
    const body = parseWith(newUserSchema, req.body ?? {}, 'form');
    const user = await create(body);
    res.status(201).render('admin/users', page({ notice: `User "${user.username}" (${user.role}) was added.` }));
  });

  /** One form per user: `action` is role, password, disable or enable. */
  router.post('/admin/users/:username', async (req, res) => {
    const username = String(req.params.username);
    const action = String(req.body?.action ?? '');
    if (action === 'role') await change(username, { role: parseWith(z.object({ role }), { role: req.body?.role }, 'form').role });
    else if (action === 'password') await change(username, { password: String(req.body?.password ?? '') });
    else if (action === 'disable') await change(username, { disabled: true });
    else if (action === 'enable') await change(username, { disabled: false });
    else throw badRequest('action must be role, password, disable or enable');
    res.redirect(303, '/admin/users');
  });

  router.post('/admin/settings', async (req, res) => {
    const per = String(req.body?.annotatorsPerDocument ?? '').trim();
    const patch = parseWith(settingsSchema, { blind: req.body?.blind, annotatorsPerDocument: per === '' ? null : Number(per) }, 'form');
    await team.changeSettings(patch);
    res.redirect(303, '/admin/users');
  });

  return router;
}
