import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/**
 * Refuses a request whose `Host` header names a host this server does not answer to, with any port.
 * A web page that rebinds its own DNS name to 127.0.0.1 reaches the server with its own name in
 * `Host` (`evil.example:3000`): that request gets a 400 before any route sees it. A request
 * without a `Host` header (HTTP/1.0) carries no name to check and is let through.
 */
export function allowedHosts(hosts: readonly string[]): RequestHandler {
  const allowed = new Set(hosts.map((h) => h.toLowerCase()));
  return (req, _res, next) => {
    const header = req.headers.host;
    if (header === undefined || header === '') return next();
    const name = hostName(header);
    if (allowed.has(name)) return next();
    throw new HttpError(
      400,
      'host_not_allowed',
      `this server does not answer to the host "${name}" (from the Host header); allowed: ${[...allowed].join(', ')}. Set ALLOWED_HOSTS to add a name`,
    );
  };
}

/** The host name of a Host header, lower case, without its port: `[::1]:3000` → `[::1]`. */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close < 0 ? h : h.slice(0, close + 1);
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}
