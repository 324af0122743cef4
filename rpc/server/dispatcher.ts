import { randomUUID } from 'node:crypto';
import type { Authenticator } from '../../core/auth/authenticator.js';
import { ApiError, ErrorCode, FaultCode, RpcFault } from '../../core/errors/api-error.js';
import { Errors } from '../../core/errors/catalogue.js';
import type { DaemonLog } from '../../core/log/events.js';
import {
  FaultCode as XmlRpcFaultCode,
  I8,
  parseMethodCall,
  serializeFault,
  serializeMethodResponse,
  serializeMethodResponseParts,
  XmlRpcParseError,
  type ParseLimits,
  type XmlRpcValue,
} from '../xmlrpc/index.js';
import type { MethodTable } from './method-table.js';
import { ParamReader } from './params.js';

/** Decodes request bodies, rejecting byte sequences that are not UTF-8 instead of replacing them. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON-quoted string, which is how the XML-RPC parser quotes client text in its messages. */
const QUOTED_CLIENT_TEXT = /"(?:[^"\\]|\\.)*"(?: \(\d+ characters\))?/g;

/**
 * Replaces the client text that a parse error message quotes, because a malformed
 * call can carry a session string or a password in any position.
 */
function withholdClientText(message: string): string {
  return message.replace(QUOTED_CLIENT_TEXT, '(text withheld from the log)');
}

function decodeBody(body: Buffer): string {
  try {
    return UTF8.decode(body);
  } catch {
    throw new XmlRpcParseError('request body is not valid UTF-8', XmlRpcFaultCode.invalidUtf8);
  }
}

/** OpenNebula's response array on success, in parts (see serializeMethodResponseParts). */
function success(value: Parameters<typeof serializeMethodResponse>[0]): string[] {
  return serializeMethodResponseParts([true, value, 0]);
}

/** OpenNebula's response array on failure: `[false, "[method] text", code, respId, -1 as i8]`. */
function failure(method: string, error: ApiError): string {
  return serializeMethodResponse([false, `[${method}] ${error.message}`, error.code, error.respId, new I8(-1)]);
}

/**
 * Turns one request body into one response body: parses the call, finds the method,
 * authenticates the session in parameter 0, runs the handler and encodes its result.
 * Nothing a client sends makes it throw.
 */
export class Dispatcher {
  constructor(
    private readonly methods: MethodTable,
    private readonly authenticator: Authenticator,
    private readonly log: DaemonLog,
    private readonly limits: Partial<ParseLimits>,
  ) {}

  /** Handles one request body, given as the bytes received, and returns the response body. */
  async handle(body: Buffer, client: string): Promise<string> {
    return (await this.respond(body, client)).join('');
  }

  /**
   * Handles one request body as `handle` does and returns the response body in parts,
   * whose concatenation is the body, so that a large response is never one string.
   */
  async respond(body: Buffer, client: string): Promise<string[]> {
    const reqId = randomUUID().slice(0, 8);
    const started = performance.now();
    let method = '-';
    let uid = -1;
    let code = 0;

    try {
      const call = parseMethodCall(decodeBody(body), this.limits);
      method = call.methodName;

      const definition = this.methods.get(method);
      if (!definition) throw new RpcFault(FaultCode.NO_SUCH_METHOD, `Method '${method}' not defined`);

      const session = readSession(method, call.params);
      const requester = await this.authenticator.authenticate(session, { client, reqId });
      uid = requester.uid;

      const params = new ParamReader(method, call.params);
      const value = await definition.handler({ reqId, method, client, requester }, params);
      return success(value);
    } catch (error) {
      const response = this.errorResponse(error, { reqId, method, client, uid });
      code = response.code;
      return [response.body];
    } finally {
      const ms = Math.round((performance.now() - started) * 100) / 100;
      this.log.rpcCall({ reqId, uid, client, method, code, ms });
    }
  }

  private errorResponse(
    error: unknown,
    ids: { reqId: string; method: string; client: string; uid: number },
  ): { body: string; code: number } {
    if (error instanceof XmlRpcParseError) {
      this.log.rpcRejected({ reqId: ids.reqId, client: ids.client, reason: withholdClientText(error.message) });
      return { body: serializeFault(error.faultCode, `malformed XML-RPC call: ${error.message}`), code: error.faultCode };
    }
    if (error instanceof RpcFault) {
      return { body: serializeFault(error.faultCode, error.message), code: error.faultCode };
    }
    if (error instanceof ApiError) {
      return { body: failure(ids.method, error), code: error.code };
    }

    this.log.internalError({ reqId: ids.reqId, method: ids.method, uid: ids.uid }, error);
    return { body: failure(ids.method, Errors.internal(ids.reqId)), code: ErrorCode.INTERNAL };
  }
}

function readSession(method: string, params: readonly XmlRpcValue[]): string {
  const first = params[0];
  if (first === undefined) {
    throw new RpcFault(FaultCode.TYPE_ERROR, `${method}: not enough parameters; parameter 0 (session) is missing`);
  }
  if (first.type !== 'string') {
    throw new RpcFault(FaultCode.TYPE_ERROR, `${method}: parameter 0 (session) must be a string "user:password"`);
  }
  return first.value;
}
