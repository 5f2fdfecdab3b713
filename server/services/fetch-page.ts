import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import http from 'node:http';
import https from 'node:https';
import { HttpError } from '../http-error.js';

/** Limits of "Add by URL" (README: Article extraction). */
export const FETCH_TIMEOUT_MS = 10_000;
export const FETCH_MAX_BYTES = 5 * 1024 * 1024;
export const FETCH_MAX_REDIRECTS = 5;

/** Addresses a fetch may not reach unless ALLOW_PRIVATE_FETCH=1: loopback, private, link-local, and the like. */
const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['::ffff:0:0', 96], ['64:ff9b::', 96]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6 && /^::ffff:/i.test(address)) {
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return PRIVATE.check(v4, 'ipv4');
  }
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const refuse = (status: number, code: string, message: string) => new HttpError(status, code, message);

export interface FetchedPage {
  html: string;
  /** The URL the page came from, after redirects. */
  url: string;
}

/**
 * Fetches an http(s) page for "Add by URL". Every address the host resolves to is checked (and the
 * connection is made to a checked address, so DNS cannot change in between); redirects are
 * followed by hand, at most FETCH_MAX_REDIRECTS, each checked the same way. The whole fetch has a
 * timeout, the body a size cap, and the answer must be HTML. Each refusal is a 4xx naming it.
 */
export async function fetchPage(rawUrl: string, options: { allowPrivate?: boolean; timeoutMs?: number; maxBytes?: number } = {}): Promise<FetchedPage> {
  const allowPrivate = options.allowPrivate ?? process.env.ALLOW_PRIVATE_FETCH === '1';
  const deadline = Date.now() + (options.timeoutMs ?? FETCH_TIMEOUT_MS);
  let url = parseUrl(rawUrl);
  for (let hop = 0; ; hop++) {
    const res = await request(url, allowPrivate, deadline, options.maxBytes ?? FETCH_MAX_BYTES, (options.timeoutMs ?? FETCH_TIMEOUT_MS) / 1000);
    if (res.location !== null) {
      if (hop >= FETCH_MAX_REDIRECTS) throw refuse(422, 'too_many_redirects', `${rawUrl} redirects more than ${FETCH_MAX_REDIRECTS} times`);
      url = parseUrl(new URL(res.location, url).toString());
      continue;
    }
    return { html: res.body, url: url.toString() };
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse(400, 'invalid_url', `"${raw.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(400, 'invalid_url', `only http:// and https:// URLs can be fetched, not ${url.protocol}`);
  if (url.username || url.password) throw refuse(400, 'invalid_url', 'a URL with a user name or password is not fetched');
  return url;
}

function request(url: URL, allowPrivate: boolean, deadline: number, maxBytes: number, seconds: number): Promise<{ location: string | null; body: string }> {
  return new Promise((resolve, reject) => {
    const lookup = (hostname: string, opts: object, cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      dnsLookup(hostname, { all: true }, (err, addresses) => {
        if (err) return cb(err, '');
        const list = addresses as LookupAddress[];
        const bad = list.find((a) => isPrivateAddress(a.address));
        if (!allowPrivate && bad) {
          return cb(Object.assign(new Error('private'), { code: 'EPRIVATE', address: bad.address }), '');
        }
        if ((opts as { all?: boolean }).all) return cb(null, list);
        cb(null, list[0].address, list[0].family);
      });
    };
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivate && isIP(literal) && isPrivateAddress(literal)) {
      return reject(refuse(403, 'private_address', `${literal} is a private or loopback address; fetching it is off (ALLOW_PRIVATE_FETCH=1 allows it)`));
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(refuse(504, 'fetch_timeout', `${url.host} did not answer within ${seconds} seconds`));
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { lookup: lookup as never, headers: { 'user-agent': 'Framewise (article import)', accept: 'text/html,application/xhtml+xml' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        return resolve({ location: res.headers.location, body: '' });
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(refuse(422, 'fetch_failed', `${url.toString()} answered ${status}`));
      }
      const type = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'text/html' && type !== 'application/xhtml+xml') {
        res.resume();
        return reject(refuse(415, 'not_html', `${url.toString()} is not an HTML page (Content-Type: ${type || 'none'})`));
      }
      const announced = Number(res.headers['content-length'] ?? 0);
      const tooBig = () => refuse(413, 'too_large', `${url.toString()} is larger than the ${maxBytes / 1024 / 1024} MB limit`);
      if (announced > maxBytes) {
        req.destroy();
        return reject(tooBig());
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy();
          reject(tooBig());
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ location: null, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(remaining, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException & { address?: string }) => {
      if (err instanceof HttpError) return reject(err);
      if (err.code === 'EPRIVATE') return reject(refuse(403, 'private_address', `${url.hostname} resolves to ${err.address}, a private or loopback address; fetching it is off (ALLOW_PRIVATE_FETCH=1 allows it)`));
      if (err.code === 'ETIMEOUT') return reject(refuse(504, 'fetch_timeout', `${url.host} did not answer within ${seconds} seconds`));
      if (err.code === 'ENOTFOUND') return reject(refuse(422, 'fetch_failed', `the host ${url.hostname} was not found`));
      reject(refuse(422, 'fetch_failed', `could not fetch ${url.toString()}: ${err.code ?? err.message}`));
    });
  });
}
