import type { EventLog } from '../drivers/runtime/event-log.js';
import { excerpt } from '../drivers/runtime/event-log.js';

/** Reason an authentication failed, as the `reason` field of `auth.failed` gives it. */
export type AuthFailureReason =
  | 'malformed session'
  | 'unknown user'
  | 'disabled'
  | 'wrong secret'
  | 'token for a group the user left'
  | 'driver unavailable';

/** One failed authentication. None of these fields may hold the secret. */
export interface AuthFailure {
  /** The user name from the session string, or `-` when the session has none. */
  user: string;
  /** The user id, when the name belongs to a user. */
  uid?: number;
  client: string;
  reqId: string;
  reason: AuthFailureReason;
  /** The auth plugin's refusal message, or the DriverError code when it could not reply. */
  detail?: string;
}

/** Minimum time between two `auth.failed` lines about one client, in milliseconds. */
export const FAILURE_LOG_INTERVAL_MS = 10_000;
/** Maximum number of clients whose recent failures are counted. Past it, the client counted longest ago is reported and dropped. */
const MAX_TRACKED_CLIENTS = 10_000;
/** Maximum length of a user name in the log, in characters. */
const MAX_USER_CHARS = 128;

interface ClientWindow {
  startMs: number;
  /** Failures from the client since `startMs` that got no line of their own. */
  suppressed: number;
}

/** Replaces control and format characters, which could forge log lines or terminal output, and cuts long names. */
function printableUser(name: string): string {
  return excerpt(name.replace(/[\p{Cc}\p{Cf}]/gu, '?'), MAX_USER_CHARS);
}

/**
 * Writes one `auth.failed` warning per failed authentication, at most one per client
 * every FAILURE_LOG_INTERVAL_MS. The failures in between are counted: the next line
 * about the client carries the count as `suppressed`, or an `auth.failures_suppressed`
 * line reports it once the interval has passed.
 * NOTE: that report is written when the next failure from any client is recorded, so
 * the count of the last burst before a quiet period is written late.
 */
export class FailedLoginLog {
  private readonly windows = new Map<string, ClientWindow>();
  private lastSweepMs = 0;

  constructor(
    private readonly log: EventLog,
    private readonly now: () => number = () => Date.now(),
    private readonly intervalMs = FAILURE_LOG_INTERVAL_MS,
  ) {}

  record(failure: AuthFailure): void {
    const nowMs = this.now();
    this.logOrCount(failure, nowMs);
    this.sweep(nowMs);
  }

  private logOrCount(failure: AuthFailure, nowMs: number): void {
    const window = this.windows.get(failure.client);
    if (window !== undefined && nowMs - window.startMs < this.intervalMs) {
      window.suppressed += 1;
      return;
    }

    const { user, uid, client, reqId, reason, detail } = failure;
    const suppressed = window !== undefined && window.suppressed > 0 ? window.suppressed : undefined;
    this.log.warn('auth.failed', { user: printableUser(user), uid, client, reqId, reason, detail, suppressed });
    this.startWindow(client, nowMs);
  }

  /** Starts a new window for the client, as the newest entry of the map. */
  private startWindow(client: string, nowMs: number): void {
    this.windows.delete(client);
    if (this.windows.size >= MAX_TRACKED_CLIENTS) this.dropOldestWindow();
    this.windows.set(client, { startMs: nowMs, suppressed: 0 });
  }

  private dropOldestWindow(): void {
    const [client, window] = this.windows.entries().next().value ?? [];
    if (client === undefined || window === undefined) return;

    this.windows.delete(client);
    this.reportSuppressed(client, window);
  }

  /** Reports and deletes the windows that ended, at most once per interval. */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < this.intervalMs) return;
    this.lastSweepMs = nowMs;

    for (const [client, window] of this.windows) {
      if (nowMs - window.startMs < this.intervalMs) continue;
      this.windows.delete(client);
      this.reportSuppressed(client, window);
    }
  }

  private reportSuppressed(client: string, window: ClientWindow): void {
    if (window.suppressed === 0) return;
    const since = new Date(window.startMs).toISOString();
    this.log.warn('auth.failures_suppressed', { client, count: window.suppressed, since, intervalMs: this.intervalMs });
  }
}
