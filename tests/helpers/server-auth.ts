/** The ADMIN_PASSWORD tests give a server they start as a process (`server/main.ts`). */
export const PROCESS_ADMIN_PASSWORD = 'process tests admin password';

/** Signs in as the admin on a running server: headers with its session cookie and CSRF token. */
export async function signedInHeaders(url: string, password = PROCESS_ADMIN_PASSWORD): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (res.status !== 200) throw new Error(`sign-in on ${url} failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], 'x-csrf-token': csrfToken };
}
