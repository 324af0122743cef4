import { createHash, timingSafeEqual } from 'node:crypto';
import { Errors } from '../errors/catalogue.js';
import type { Store } from '../pools/store.js';
import type { UserRecord } from '../pools/records/user-record.js';
import type { AuthDriver } from './auth-driver.js';
import type { Requester } from './requester.js';
import { parseSession } from './session.js';

/**
 * Turns a session string into the Requester it stands for, or throws the API's
 * AUTHENTICATION error. Login tokens are tried before the user's driver, as in
 * OpenNebula. The reason for a refusal is returned to the caller only as the generic
 * message, so that it does not reveal which user names exist.
 */
export class Authenticator {
  constructor(
    private readonly store: Store,
    private readonly drivers: ReadonlyMap<string, AuthDriver>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async authenticate(session: string): Promise<Requester> {
    const credentials = parseSession(session);
    if (!credentials) throw Errors.authentication();

    const user = await this.store.users.findByName(this.store.db, credentials.username);
    if (!user || !user.enabled) throw Errors.authentication();

    const tokenGroup = this.matchToken(user, credentials.secret);
    if (tokenGroup !== undefined) return await this.requesterFor(user, tokenGroup);

    const driver = this.drivers.get(user.authDriver);
    if (!driver) throw Errors.authentication();

    const accepted = await driver.authenticate({ user, secret: credentials.secret });
    if (!accepted) throw Errors.authentication();

    return await this.requesterFor(user, -1);
  }

  /** Returns the token's group restriction (-1 for none), or undefined when no live token matches. */
  private matchToken(user: UserRecord, secret: string): number | undefined {
    if (user.loginTokens.length === 0) return undefined;

    const secretHash = createHash('sha256').update(secret, 'utf8').digest();
    const nowSeconds = Math.floor(this.now() / 1000);

    for (const token of user.loginTokens) {
      const live = token.expirationTime === -1 || token.expirationTime > nowSeconds;
      if (live && timingSafeEqual(Buffer.from(token.tokenHash, 'hex'), secretHash)) return token.egid;
    }
    return undefined;
  }

  private async requesterFor(user: UserRecord, restrictToGroup: number): Promise<Requester> {
    if (restrictToGroup >= 0 && user.groups.includes(restrictToGroup)) {
      const group = await this.store.groups.get(this.store.db, restrictToGroup);
      const gname = group?.name ?? '';
      return { uid: user.id, gid: restrictToGroup, groupIds: [restrictToGroup], uname: user.name, gname };
    }

    const others = user.groups.filter((gid) => gid !== user.gid);
    return { uid: user.id, gid: user.gid, groupIds: [user.gid, ...others], uname: user.name, gname: user.gname };
  }
}
