import xmlrpc from 'xmlrpc';
import { OneApiError, RpcTransportError } from './errors.js';

/** A parameter value the client can send. */
export type CallParam = string | number | boolean | CallParam[];

export interface ClientOptions {
  /** `http://host:port/RPC2`. */
  endpoint: string;
  /** `user:password` or `user:token`. */
  session: string;
}

function describeTransportError(endpoint: string, error: NodeJS.ErrnoException & { faultCode?: number; faultString?: string }): string {
  if (error.faultCode !== undefined) return `XML-RPC fault ${error.faultCode}: ${error.faultString ?? error.message}`;
  if (error.code === 'ECONNREFUSED') return `cannot connect to ${endpoint}: connection refused; is stratusd running?`;
  return `request to ${endpoint} failed: ${error.message}`;
}

/**
 * An OpenNebula XML-RPC client. `call` prepends the session string and returns the
 * success value, or throws OneApiError with the server's message and code.
 */
export class OneClient {
  private readonly client: xmlrpc.Client;

  constructor(readonly options: ClientOptions) {
    const url = new URL(options.endpoint);
    const settings = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      path: `${url.pathname}${url.search}`,
    };
    this.client = url.protocol === 'https:' ? xmlrpc.createSecureClient(settings) : xmlrpc.createClient(settings);
  }

  call<T = unknown>(method: string, ...params: CallParam[]): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client.methodCall(method, [this.options.session, ...params], (error: unknown, value: unknown) => {
        if (error) {
          const cause = error as NodeJS.ErrnoException & { faultCode?: number };
          reject(new RpcTransportError(method, describeTransportError(this.options.endpoint, cause), cause.faultCode, { cause }));
          return;
        }

        if (!Array.isArray(value) || typeof value[0] !== 'boolean') {
          reject(new RpcTransportError(method, `unexpected response to ${method}: not an OpenNebula response array`));
          return;
        }
        if (value[0]) {
          resolve(value[1] as T);
          return;
        }
        reject(new OneApiError(method, Number(value[2]), String(value[1]), Number(value[3] ?? -1)));
      });
    });
  }
}
