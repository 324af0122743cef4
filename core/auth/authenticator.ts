import { createHash, timingSafeEqual } from 'node:crypto';
import { Errors } from '../errors/catalogue.js';
import type { Store } from '../pools/store.js';
import type { LoginToken, UserRecord } from '../pools/records/user-record.js';
import type { EventLog } from '../drivers/runtime/event-log.js';
import { checkSecretWithDriver, type AuthDriverCaller } from './auth-driver.js';
import { hashPassword, isLegacyPasswordHash } from './password.js';
import type { Requester } from './requester.js';
import { parseSession } from './session.js';
import { SessionCache } from './session-cache.js';

/** AUTH_DRIVER values whose stored password is a hash that the `core` plugin checks. */
const HASHING_DRIVERS = new Set(['core', 'server_cipher']);

/**
 * Turns a session string into the Requester it stands for, or throws the API's
 * AUTHENTICATION error. Login tokens are tried before the user's driver, as in
 * OpenNebula. The driver is the `auth` plugin that the user's AUTH_DRIVER names,
 * called through the driver manager. The reason for a refusal is returned to the
 * caller only as the generic message, so that it does not reveal which user names
 * exist; the daemon log has it.
 */
export class Authenticator {
  private readonly cache = new SessionCache();

  constructor(
    private readonly store: Store,
    private readonly drivers: AuthDriverCaller,
    private readonly log: EventLog,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async authenticate(session: string): Promise<Requester> {
    const key = SessionCache.keyOf(session);
    const stamp = this.store.accountsStamp;
    const nowMs = this.now();

    const cached = this.cache.get(key, stamp, nowMs);
    if (cached) return cached;

    const { requester, validUntilMs } = await this.check(session);
    this.cache.set(key, requester, stamp, nowMs, validUntilMs);
    return requester;
  }

  private async check(session: string): Promise<{ requester: Requester; validUntilMs?: number }> {
    const credentials = parseSession(session);
    if (!credentials) throw Errors.authentication();

    const user = await this.store.users.findByName(this.store.db, credentials.username);
    if (!user || !user.enabled) throw Errors.authentication();

    const token = this.matchToken(user, credentials.secret);
    if (token !== undefined) {
      // A token restricted to a group the user has left is refused, as in OpenNebula.
      if (token.egid >= 0 && !user.groups.includes(token.egid)) throw Errors.authentication();
      const validUntilMs = token.expirationTime === -1 ? undefined : token.expirationTime * 1000;
      return { requester: await this.requesterFor(user, token.egid), validUntilMs };
    }

    const accepted = await checkSecretWithDriver(this.drivers, this.log, user, credentials.secret);
    if (!accepted) throw Errors.authentication();
    if (HASHING_DRIVERS.has(user.authDriver) && isLegacyPasswordHash(user.password)) {
      await this.upgradePasswordHash(user.id, user.password, credentials.secret);
    }

    return { requester: await this.requesterFor(user, -1) };
  }

  /** Replaces an accepted SHA-1 password hash by the SHA-256 hash, as OpenNebula does at login. */
  private async upgradePasswordHash(uid: number, legacyHash: string, password: string): Promise<void> {
    await this.store.db.transaction(async (tx) => {
      const current = await this.store.users.get(tx, uid);
      // A password changed since this session was checked is left alone.
      if (!current || current.password !== legacyHash) return;
      current.password = hashPassword(password);
      await this.store.users.update(tx, current);
    });
  }

  /** Returns the live login token that matches the secret, if any. */
  private matchToken(user: UserRecord, secret: string): LoginToken | undefined {
    if (user.loginTokens.length === 0) return undefined;

    const secretHash = createHash('sha256').update(secret, 'utf8').digest();
    const nowSeconds = Math.floor(this.now() / 1000);

    for (const token of user.loginTokens) {
      const live = token.expirationTime === -1 || token.expirationTime > nowSeconds;
      if (live && timingSafeEqual(Buffer.from(token.tokenHash, 'hex'), secretHash)) return token;
    }
    return undefined;
  }

  private async requesterFor(user: UserRecord, restrictToGroup: number): Promise<Requester> {
    if (restrictToGroup >= 0) {
      const group = await this.store.groups.get(this.store.db, restrictToGroup);
      const gname = group?.name ?? '';
      return { uid: user.id, gid: restrictToGroup, groupIds: [restrictToGroup], uname: user.name, gname };
    }

    const others = user.groups.filter((gid) => gid !== user.gid);
    return { uid: user.id, gid: user.gid, groupIds: [user.gid, ...others], uname: user.name, gname: user.gname };
  }
}
