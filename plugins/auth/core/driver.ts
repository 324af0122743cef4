import { verifyPassword } from '../../../core/auth/password.js';
import type { ModuleDriver, ModuleDriverFactory } from '../../../core/drivers/runtime/module-driver-api.js';

/**
 * OpenNebula's `core` authentication: the secret of the session is the password,
 * and its SHA-256 hash is compared in constant time with the stored hash. A stored
 * SHA-1 hash, which older OpenNebula releases wrote, is accepted too; the core
 * replaces it with the SHA-256 hash after the login succeeds.
 */
const createDriver: ModuleDriverFactory<'auth'> = () => {
  const driver: ModuleDriver<'auth'> = {
    async AUTHENTICATE(request) {
      if (!verifyPassword(request.storedPassword, request.secret)) {
        // The message goes to the daemon log only; the client gets the generic authentication error.
        throw new Error(`the password of user ${request.userId} does not match the stored hash`);
      }
    },
  };
  return driver;
};

export default createDriver;
