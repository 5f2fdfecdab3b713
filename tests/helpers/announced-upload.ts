import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/**
 * Announces a body of `bytes` bytes but sends only its first chunk, and resolves to the status the
 * server answers with: proof that an oversized upload is refused before it is read. `headers` are
 * added (an `authorization` for routes that need a signed-in user).
 */
export async function statusOfAnnouncedUpload(app: Express, path: string, contentType: string, bytes: number, firstChunk: string, headers: Record<string, string> = {}): Promise<number> {
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  try {
    return await new Promise<number>((done, fail) => {
      const req = httpRequest({ port: (server.address() as AddressInfo).port, method: 'POST', path, headers: { ...headers, 'content-type': contentType, 'content-length': bytes } });
      req.on('response', (res) => {
        done(res.statusCode!);
        req.destroy();
      });
      req.on('error', fail);
      req.write(firstChunk);
    });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
