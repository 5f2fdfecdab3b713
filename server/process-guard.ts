/**
 * The last line of defence: an error no request handler caught (a stream without an 'error'
 * listener, a promise nobody awaited) is logged, and the server keeps serving the other requests.
 *
 * Why that is safe here: every document write changes a copy and replaces the file atomically
 * (temporary file, then rename), so an error thrown half-way through a request leaves neither a
 * half-written file nor a half-changed document in memory. The process exits (code 70, and the
 * data-folder lock is released by its 'exit' handler) only when errors keep coming: more than
 * `maxPerMinute` uncaught exceptions within one minute mean something is broken for good, and a
 * supervisor's clean restart is better than a server that fails every request.
 */
export function installProcessGuard(options: { maxPerMinute?: number; log?: (message: string) => void } = {}): void {
  const maxPerMinute = options.maxPerMinute ?? 20;
  const log = options.log ?? ((m: string) => console.error(m));
  const recent: number[] = [];
  process.on('unhandledRejection', (reason) => {
    log(`unhandled promise rejection (the server keeps serving): ${describe(reason)}`);
  });
  process.on('uncaughtException', (err, origin) => {
    const now = Date.now();
    recent.push(now);
    while (recent.length && recent[0] < now - 60_000) recent.shift();
    log(`uncaught exception (${origin}; the server keeps serving): ${describe(err)}`);
    if (recent.length > maxPerMinute) {
      log(`${recent.length} uncaught exceptions within a minute: exiting so that a clean restart can take over`);
      process.exit(70);
    }
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
