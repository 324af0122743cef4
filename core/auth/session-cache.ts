import { createHash } from 'node:crypto';
import type { Requester } from './requester.js';

interface Entry {
  requester: Requester;
  stamp: string;
  expiresAtMs: number;
}

/**
 * Sessions that authenticated recently, so that a client making many calls is not
 * checked against the database each time (OpenNebula caches them too). An entry is
 * used only while the accounts stamp it was computed under is unchanged, so a new
 * password, a disabled user or a changed group takes effect at the next call. Keys
 * are SHA-256 digests: the cache keeps no session string.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly lifetimeMs = 60_000,
  ) {}

  static keyOf(session: string): string {
    return createHash('sha256').update(session, 'utf8').digest('base64');
  }

  get(key: string, stamp: string, nowMs: number): Requester | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;

    if (entry.stamp !== stamp || entry.expiresAtMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.requester;
  }

  /** Stores a result; `validUntilMs` shortens the lifetime, for login tokens that expire sooner. */
  set(key: string, requester: Requester, stamp: string, nowMs: number, validUntilMs = Infinity): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { requester, stamp, expiresAtMs: Math.min(nowMs + this.lifetimeMs, validUntilMs) });
  }
}
