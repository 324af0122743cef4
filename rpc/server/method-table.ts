import type { Requester } from '../../core/auth/requester.js';
import type { ResponseValue } from '../xmlrpc/index.js';
import type { ParamReader } from './params.js';

/** What a method handler knows about the call it serves. */
export interface CallContext {
  reqId: string;
  method: string;
  client: string;
  requester: Requester;
}

/** A handler returns the success value; it throws ApiError or RpcFault on failure. */
export type MethodHandler = (ctx: CallContext, params: ParamReader) => Promise<ResponseValue>;

export interface MethodDefinition {
  name: string;
  handler: MethodHandler;
}

/** The API's methods by name. */
export class MethodTable {
  private readonly methods = new Map<string, MethodDefinition>();

  register(name: string, handler: MethodHandler): void {
    if (this.methods.has(name)) throw new Error(`method ${name} is registered twice`);
    this.methods.set(name, { name, handler });
  }

  get(name: string): MethodDefinition | undefined {
    return this.methods.get(name);
  }

  names(): string[] {
    return [...this.methods.keys()].sort();
  }
}
