import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a password as lower-case hex, the form OpenNebula's `core` driver stores. */
export function hashPassword(plain: string): string {
  return createHash('sha256').update(plain, 'utf8').digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA1_HEX = /^[0-9a-f]{40}$/;

/**
 * Returns whether a stored password is a SHA-1 hex hash, the form older OpenNebula
 * releases stored. OpenNebula 6.10 still accepts these and replaces them by SHA-256
 * at the next login (`UserPool::authenticate_internal`).
 */
export function isLegacyPasswordHash(storedHash: string): boolean {
  return SHA1_HEX.test(storedHash);
}

/**
 * Compares a secret with a stored SHA-256 hex hash, or a legacy SHA-1 hex hash, in
 * constant time. A stored value that is neither never matches.
 */
export function verifyPassword(storedHash: string, secret: string): boolean {
  let algorithm: string;
  if (SHA256_HEX.test(storedHash)) algorithm = 'sha256';
  else if (SHA1_HEX.test(storedHash)) algorithm = 'sha1';
  else return false;

  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash(algorithm).update(secret, 'utf8').digest();
  return timingSafeEqual(expected, actual);
}

/** SHA-256 of a login token as lower-case hex: user records store this, never the token. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const BLANK_CHARACTER = /[ \t\n\v\f\r]/;

/**
 * Returns why OpenNebula 6.10 would reject `password` (`User::pass_is_valid`), or
 * undefined when it is valid. A password cannot be empty or contain blanks.
 */
export function invalidPasswordReason(password: string): string | undefined {
  if (password === '') return 'it cannot be empty';
  const blank = BLANK_CHARACTER.exec(password);
  if (blank) return `it cannot contain blanks such as ${JSON.stringify(blank[0])}`;
  return undefined;
}

/** A random secret of 32 bytes as hex, for generated passwords and login tokens. */
export function randomSecret(): string {
  return randomBytes(32).toString('hex');
}
