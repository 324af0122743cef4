import type { UserRecord } from '../pools/records/user-record.js';

/** What an authentication driver receives for one session. */
export interface AuthenticationRequest {
  /** The stored user; authentication drivers are only asked about known users. */
  user: UserRecord;
  /** The part of the session string after the first colon. */
  secret: string;
}

/**
 * The seam through which every authentication passes. The `core` driver checks
 * passwords; plugin drivers (x509, server) implement the same interface.
 */
export interface AuthDriver {
  readonly name: string;
  authenticate(request: AuthenticationRequest): Promise<boolean>;
}
