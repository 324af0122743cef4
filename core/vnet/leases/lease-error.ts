/** The cause of a failed lease operation, from which callers pick the API error code. */
export type LeaseErrorReason =
  /** The request itself is malformed: an unparsable address, or more than one of IP, IP6 and MAC. */
  | 'invalid-request'
  /** AR_ID names no address range of the network. */
  | 'unknown-range'
  /** The requested address is in no address range of the network, or not in the one AR_ID names. */
  | 'outside-ranges'
  /** The requested address is leased to a VM or on hold. */
  | 'address-in-use'
  /** No address is free in the ranges searched. */
  | 'no-free-address'
  /** A stored address range lacks the MAC or IP it needs. */
  | 'invalid-range';

/**
 * A lease request that cannot be met. The message names the network and the address,
 * and begins in lower case because callers put their context before it.
 */
export class LeaseError extends Error {
  readonly reason: LeaseErrorReason;

  constructor(reason: LeaseErrorReason, message: string) {
    super(message);
    this.name = 'LeaseError';
    this.reason = reason;
  }
}

/** Names a network in messages: "virtual network 3 (priv)". */
export function networkLabel(vnet: { id: number; name: string }): string {
  return `virtual network ${vnet.id} (${vnet.name})`;
}

/** Returns the error with `prefix` before its message, keeping the reason. Other errors pass through. */
export function withMessagePrefix(error: unknown, prefix: string): unknown {
  if (!(error instanceof LeaseError)) return error;
  return new LeaseError(error.reason, `${prefix}${error.message}`);
}
