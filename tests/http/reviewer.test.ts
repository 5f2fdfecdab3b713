import { startTestApp } from '../helpers/app.js';
import { cleanName } from '../../server/routes/actor.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.cleanup());

describe('the reviewer name', () => {
  test('when a name is given, then it is set as a cookie and the browser goes back to the page it came from', async () => {
    const res = await t.http.post('/whoami').type('form').send({ name: '  Ada Lovelace ', back: '/documents/x?y=1' }).expect(303);
    expect(res.headers.location).toBe('/documents/x?y=1');
    expect(res.headers['set-cookie'][0]).toMatch(/^framewise_user=Ada%20Lovelace;/);
  });

  test.each([['//evil.example/x'], ['/\\evil.example'], ['https://evil.example'], ['/ok\r\nSet-Cookie: x=1']])('when "back" is %j, then it goes to / instead (no redirect off the site)', async (back) => {
    const res = await t.http.post('/whoami').type('form').send({ name: 'Ada', back }).expect(303);
    expect(res.headers.location).toBe('/');
  });

  test('when a name is over 80 characters or holds control characters, then it is cleaned and cut without splitting an emoji', () => {
    expect(cleanName(`${'a'.repeat(79)}😀😀`)).toBe(`${'a'.repeat(79)}😀`);
    expect(cleanName('ev\u0000il\u001b[31m')).toBe('evil[31m');
  });
});
