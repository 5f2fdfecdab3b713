import { resolve } from 'node:path';

export interface Config {
  readonly port: number;
  readonly dataDir: string;
  readonly seedsDir: string;
}

/** Reads `PORT` and `DATA_DIR`; a bad value throws with a message that names it. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, not ${JSON.stringify(env.PORT)}`);
  }
  return Object.freeze({
    port,
    dataDir: resolve(cwd, env.DATA_DIR || './data'),
    seedsDir: resolve(cwd, env.SEEDS_DIR || './seeds'),
  });
}
