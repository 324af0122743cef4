/**
 * Attributes of one host as expressions read them. A name without '/' is searched in
 * every section of the host, a name with '/' is a path (see HostAttributes).
 */
export interface AttributeSource {
  /** Every value of the attribute in search order, or an empty list when the host has none. */
  values(name: string): readonly string[];

  /** First value that reads as a number (see `leadingNumber`), or undefined. */
  number(name: string): number | undefined;

  /** Whether the VM runs on the host or was placed there earlier in this cycle (CURRENT_VMS). */
  hasVm(vmId: number): boolean;
}

const LEADING_NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/**
 * Reads the number at the start of an attribute value, as extraction into a float does
 * in OpenNebula's `ObjectXML::xpaths`. So "2.5GHz" reads as 2.5. A value that does not
 * start with a number reads as undefined, which expressions treat as a missing attribute.
 */
export function leadingNumber(value: string): number | undefined {
  const match = LEADING_NUMBER.exec(value);
  return match ? Number(match[0]) : undefined;
}
