import { action } from './action.js';

/** Authentication drivers: a success reply accepts the user, a failure reply refuses it. */
export const AUTH_ACTIONS = {
  AUTHENTICATE: action({
    summary: 'Checks the secret of a session string for a user whose AUTH_DRIVER is this driver.',
    request: {
      userId: { type: 'integer', description: 'The user id.', example: 5 },
      username: { type: 'string', description: 'The user name, the part of the session before the first colon.', example: 'alice' },
      secret: { type: 'string', description: 'The part of the session string after the first colon.', example: 'correct horse' },
      storedPassword: { type: 'string', description: "The user's PASSWORD as stored (for `core`, the SHA-256 hex of the password).", example: '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8' },
    },
    reply: {},
    timeoutSeconds: 30,
  }),
} as const;
