import { createHash, timingSafeEqual } from 'node:crypto';
import { Errors } from '../errors/catalogue.js';
import type { Store } from '../pools/store.js';
import type { LoginToken, UserRecord } from '../pools/records/user-record.js';
import type { EventLog } from '../drivers/runtime/event-log.js';
import { checkSecretWithDriver, type AuthDriverCaller } from './auth-driver.js';
import { FailedLoginLog, type AuthFailureReason } from './failed-login-log.js';
import { hashPassword, isLegacyPasswordHash } from './password.js';
import type { Requester } from './requester.js';
import { parseSession } from './session.js';
import { SessionCache } from './session-cache.js';

/** AUTH_DRIVER values whose stored password is a hash that the `core` plugin checks. */
const HASHING_DRIVERS = new Set(['core', 'server_cipher']);

/** Origin of a session string, for the log. */
export interface AuthOrigin {
  /** The client's IP address. */
  client: string;
  reqId: string;
}

/** A refused session and the log fields about it. `authenticate` turns it into the API error. */
class AuthRefusal extends Error {
  constructor(
    readonly reason: AuthFailureReason,
    readonly user: string,
    readonly uid?: number,
    readonly detail?: string,
  ) {
    super(`authentication refused: ${reason}`);
    this.name = 'AuthRefusal';
  }
}

/**
 * Turns a session string into the Requester it stands for, or throws the API's
 * AUTHENTICATION error. Login tokens are tried before the user's driver, as in
 * OpenNebula. The driver is the `auth` plugin that the user's AUTH_DRIVER names,
 * called through the driver manager. The reason for a refusal is returned to the
 * caller only as the generic message, so that it does not reveal which user names
 * exist. The daemon log has it in an `auth.failed` line (see FailedLoginLog).
 */
export class Authenticator {
  private readonly cache = new SessionCache();
  private readonly failures: FailedLoginLog;

  constructor(
    private readonly store: Store,
    private readonly drivers: AuthDriverCaller,
    private readonly log: EventLog,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.failures = new FailedLoginLog(log, now);
  }

  /** Returns the requester of the session, or logs the failure and throws the AUTHENTICATION error. */
  async authenticate(session: string, origin: AuthOrigin): Promise<Requester> {
    const key = SessionCache.keyOf(session);
    const stamp = this.store.accountsStamp;
    const nowMs = this.now();

    const cached = this.cache.get(key, stamp, nowMs);
    if (cached) return cached;

    let checked: { requester: Requester; validUntilMs?: number };
    try {
      checked = await this.check(session);
    } catch (error) {
      if (!(error instanceof AuthRefusal)) throw error;
      const { reason, user, uid, detail } = error;
      this.failures.record({ user, uid, client: origin.client, reqId: origin.reqId, reason, detail });
      throw Errors.authentication();
    }

    this.cache.set(key, checked.requester, stamp, nowMs, checked.validUntilMs);
    return checked.requester;
  }

  private async check(session: string): Promise<{ requester: Requester; validUntilMs?: number }> {
    const credentials = parseSession(session);
    if (!credentials) throw new AuthRefusal('malformed session', '-');

    const name = credentials.username;
    const user = await this.store.users.findByName(this.store.db, name);
    if (!user) throw new AuthRefusal('unknown user', name);
    if (!user.enabled) throw new AuthRefusal('disabled', name, user.id);

    const token = this.matchToken(user, credentials.secret);
    if (token !== undefined) {
      // A token restricted to a group the user has left is refused, as in OpenNebula.
      if (token.egid >= 0 && !user.groups.includes(token.egid)) throw new AuthRefusal('token for a group the user left', name, user.id);
      const validUntilMs = token.expirationTime === -1 ? undefined : token.expirationTime * 1000;
      return { requester: await this.requesterFor(user, token.egid), validUntilMs };
    }

    const verdict = await checkSecretWithDriver(this.drivers, this.log, user, credentials.secret);
    if (!verdict.accepted) throw new AuthRefusal(verdict.reason, name, user.id, verdict.detail);
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
