/** The four roles, weakest first: each may do everything the ones before it may. */
export const ROLES = ['viewer', 'annotator', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `role` is `needed` or stronger. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** What a signed-in request knows about its user. */
export interface AuthUser {
  username: string;
  role: Role;
}

/** How the request proved who it is: a session cookie (needs CSRF checks) or a bearer token (does not). */
export type AuthMethod = 'session' | 'token';
