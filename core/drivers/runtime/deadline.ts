/** The outcome of work run with a deadline. */
export type DeadlineOutcome<T> = { kind: 'done'; value: T } | { kind: 'threw'; error: unknown } | { kind: 'timeout' };

/**
 * Runs `work` and waits for it up to `timeoutMs`. Never rejects, and clears its timer.
 * A synchronous throw counts as `threw`. Work that runs past the deadline is not
 * stopped: JavaScript cannot cancel it, so its result is ignored.
 */
export async function runWithDeadline<T>(work: () => T | Promise<T>, timeoutMs: number): Promise<DeadlineOutcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DeadlineOutcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  const result = (async (): Promise<DeadlineOutcome<T>> => {
    try {
      return { kind: 'done', value: await work() };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();

  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Returns the message of a thrown value, whatever its type. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
