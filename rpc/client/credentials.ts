import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_ENDPOINT = 'http://localhost:2633/RPC2';

/** Where a credential came from, so that an error can name the file. */
export interface Credentials {
  session: string;
  source: string;
}

/**
 * Finds the session string as OpenNebula's tools do: the file named by $ONE_AUTH,
 * else $STRATUS_HOME/one_auth, else ~/.one/one_auth. The first file that exists is
 * used; its content is sent right-trimmed.
 */
export function loadCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const candidates = [
    env.ONE_AUTH,
    env.STRATUS_HOME ? path.join(env.STRATUS_HOME, 'one_auth') : undefined,
    path.join(os.homedir(), '.one', 'one_auth'),
  ].filter((file): file is string => file !== undefined && file !== '');

  for (const file of candidates) {
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`cannot read credentials file ${file}: ${(error as Error).message}`);
    }
    const session = content.trimEnd();
    if (!session.includes(':')) {
      throw new Error(`credentials file ${file} must contain "user:password" on one line`);
    }
    return { session, source: file };
  }

  throw new Error(
    `no credentials found; tried ${candidates.join(', ')}. ` +
      'Set ONE_AUTH to a file containing "user:password" (stratusd writes one to HOME/one_auth).',
  );
}

/** The endpoint from $ONE_XMLRPC, else ~/.one/one_endpoint, else http://localhost:2633/RPC2. */
export function loadEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ONE_XMLRPC) return env.ONE_XMLRPC;
  const file = path.join(os.homedir(), '.one', 'one_endpoint');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_ENDPOINT;
    throw new Error(`cannot read endpoint file ${file}: ${(error as Error).message}`);
  }
}
