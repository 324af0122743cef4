const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses a dotted-quad IPv4 address into its 32-bit value, or returns undefined when
 * the text is not one. Parts are decimal, so "010" reads as 10, as OpenNebula reads them.
 */
export function parseIpv4(text: string): number | undefined {
  const match = DOTTED_QUAD.exec(text.trim());
  if (!match) return undefined;

  let value = 0;
  for (const part of match.slice(1)) {
    const byte = Number(part);
    if (byte > 255) return undefined;
    value = value * 256 + byte;
  }
  return value;
}

/** Formats a 32-bit value as a dotted-quad IPv4 address. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}
