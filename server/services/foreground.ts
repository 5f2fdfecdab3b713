/**
 * Long work a user is waiting for (an export streaming) under way in this process. Background
 * maintenance that works in slices (the statement index file's write) holds back while there is
 * some, within its own pause budget: beside that write, which re-tokenises every text, a jsonl
 * export of 100,000 documents got a third of the main thread.
 */
let running = 0;

/** Counts one piece of foreground work from now; the function returned ends it (a second call does nothing). */
export function foregroundWork(): () => void {
  running++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    running--;
  };
}

/** True while some foreground work has begun and not ended. */
export function foregroundBusy(): boolean {
  return running > 0;
}
