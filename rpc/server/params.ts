import { FaultCode, RpcFault } from '../../core/errors/api-error.js';
import type { XmlRpcValue } from '../xmlrpc/index.js';

/**
 * Reads a call's parameters by position with the strict typing of OpenNebula's
 * server: a missing or wrongly typed parameter is an XML-RPC fault -501. Index 0 is
 * the session string, so the first argument of a method is index 1. Parameters past
 * the ones a method reads are ignored, as OpenNebula ignores them.
 */
export class ParamReader {
  constructor(
    private readonly method: string,
    private readonly params: readonly XmlRpcValue[],
  ) {}

  get count(): number {
    return this.params.length;
  }

  has(index: number): boolean {
    return index < this.params.length;
  }

  int(index: number, name: string): number {
    const value = this.require(index, name);
    if (value.type !== 'int') throw this.typeError(index, name, 'an integer', value);
    return value.value;
  }

  string(index: number, name: string): string {
    const value = this.require(index, name);
    if (value.type !== 'string') throw this.typeError(index, name, 'a string', value);
    return value.value;
  }

  bool(index: number, name: string): boolean {
    const value = this.require(index, name);
    if (value.type !== 'boolean') throw this.typeError(index, name, 'a boolean', value);
    return value.value;
  }

  intArray(index: number, name: string): number[] {
    const value = this.require(index, name);
    if (value.type !== 'array') throw this.typeError(index, name, 'an array of integers', value);

    return value.items.map((item, position) => {
      if (item.type !== 'int') throw this.typeError(index, `${name}[${position}]`, 'an integer', item);
      return item.value;
    });
  }

  optionalInt(index: number, name: string, fallback: number): number {
    return this.has(index) ? this.int(index, name) : fallback;
  }

  optionalString(index: number, name: string, fallback: string): string {
    return this.has(index) ? this.string(index, name) : fallback;
  }

  optionalBool(index: number, name: string, fallback: boolean): boolean {
    return this.has(index) ? this.bool(index, name) : fallback;
  }

  private require(index: number, name: string): XmlRpcValue {
    const value = this.params[index];
    if (value === undefined) {
      throw new RpcFault(
        FaultCode.TYPE_ERROR,
        `${this.method}: not enough parameters; parameter ${index} (${name}) is missing`,
      );
    }
    return value;
  }

  private typeError(index: number, name: string, expected: string, actual: XmlRpcValue): RpcFault {
    return new RpcFault(
      FaultCode.TYPE_ERROR,
      `${this.method}: parameter ${index} (${name}) must be ${expected}, got ${describe(actual)}`,
    );
  }
}

function describe(value: XmlRpcValue): string {
  switch (value.type) {
    case 'string':
      return `string "${value.value.length > 40 ? `${value.value.slice(0, 40)}...` : value.value}"`;
    case 'int':
    case 'double':
      return `${value.type} ${value.value}`;
    case 'boolean':
      return `boolean ${value.value ? 1 : 0}`;
    default:
      return value.type;
  }
}
