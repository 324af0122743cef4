/** The two halves of an OpenNebula session string `user:secret`. */
export interface SessionCredentials {
  username: string;
  secret: string;
}

/**
 * Splits a session string at its first colon, as OpenNebula does; the secret may
 * itself contain colons. Returns undefined when there is no colon or no user name.
 */
export function parseSession(session: string): SessionCredentials | undefined {
  const colon = session.indexOf(':');
  if (colon <= 0) return undefined;

  return { username: session.slice(0, colon), secret: session.slice(colon + 1).trimEnd() };
}
