import { hash, verify } from '@node-rs/argon2';

/** Shortest and longest password accepted, in characters. */
export const PASSWORD_LIMITS = { min: 10, max: 200 } as const;

/** argon2id with the library's defaults (19 MiB, 2 passes): memory-hard, about 30 ms here. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A validator in the house style: why `password` cannot be used, or null. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'the password must be a string';
  if ([...password].length < PASSWORD_LIMITS.min) return `the password must be at least ${PASSWORD_LIMITS.min} characters`;
  if ([...password].length > PASSWORD_LIMITS.max) return `the password must be at most ${PASSWORD_LIMITS.max} characters`;
  return null;
}

/** A hash to compare against when the user does not exist, so both failures take as long. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hash('framewise-no-such-user-password');
  return dummy;
}
