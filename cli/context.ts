import type { Command } from 'commander';
import { OneClient, type CallParam } from '../rpc/client/client.js';
import { loadCredentials, loadEndpoint } from '../rpc/client/credentials.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';

/** Output style of a command: a table or key/value view for people, JSON, or the raw XML. */
export type OutputFormat = 'human' | 'json' | 'xml';

/** The options every command accepts, defined on the `stratus` program itself. */
export interface GlobalOptions {
  endpoint?: string;
  json?: boolean;
  xml?: boolean;
}

function checkedEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(`invalid endpoint URL '${endpoint}': use a URL such as http://localhost:2633/RPC2`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`invalid endpoint URL '${endpoint}': the scheme must be http or https`);
  }
  return endpoint;
}

/**
 * Shared state of all commands: the io, the API client and the output format. The
 * client is created on the first call, so `--help` works without credentials.
 */
export class CliContext {
  private client: OneClient | undefined;

  constructor(readonly io: CliIo) {}

  /** Calls `method` with the session prepended. OneClient.call lists the errors it throws. */
  async call<T = unknown>(command: Command, method: string, ...params: CallParam[]): Promise<T> {
    return this.clientFor(command).call<T>(method, ...params);
  }

  /** Returns the output format chosen with `--json` or `--xml`, and throws a usage error if both are given. */
  format(command: Command): OutputFormat {
    const options = command.optsWithGlobals<GlobalOptions>();
    if (options.json && options.xml) throw usageError('--json and --xml cannot be used together; choose one');
    if (options.json) return 'json';
    if (options.xml) return 'xml';
    return 'human';
  }

  /** Writes `text` and a newline to standard output. */
  print(text: string): void {
    this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  private clientFor(command: Command): OneClient {
    if (this.client) return this.client;

    const options = command.optsWithGlobals<GlobalOptions>();
    let endpoint: string;
    let session: string;
    try {
      endpoint = options.endpoint ?? loadEndpoint(this.io.env);
      session = loadCredentials(this.io.env).session;
    } catch (error) {
      throw new CliError((error as Error).message);
    }

    this.client = new OneClient({ endpoint: checkedEndpoint(endpoint), session });
    return this.client;
  }
}
