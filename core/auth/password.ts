import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a password as lower-case hex, the form OpenNebula's `core` driver stores. */
export function hashPassword(plain: string): string {
  return createHash('sha256').update(plain, 'utf8').digest('hex');
}

/**
 * Compares a secret with a stored SHA-256 hex hash in constant time. A stored value
 * that is not a SHA-256 hex string never matches.
 */
export function verifyPassword(storedHash: string, secret: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(storedHash)) return false;

  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(expected, actual);
}

/** A random secret of 32 bytes as hex, for generated passwords and login tokens. */
export function randomSecret(): string {
  return randomBytes(32).toString('hex');
}
