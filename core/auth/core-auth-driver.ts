import type { AuthDriver, AuthenticationRequest } from './auth-driver.js';
import { verifyPassword } from './password.js';

/** OpenNebula's `core` driver: the secret is the password, checked against its SHA-256 hash. */
export class CoreAuthDriver implements AuthDriver {
  readonly name = 'core';

  async authenticate(request: AuthenticationRequest): Promise<boolean> {
    return verifyPassword(request.user.password, request.secret);
  }
}
