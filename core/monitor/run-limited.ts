/**
 * Calls `worker` for every item with at most `limit` calls in progress at a time, and
 * resolves when all have finished. Once `stopped()` returns true, no further call
 * starts, and the promise resolves when the calls in progress have finished. `worker`
 * must not reject: a rejection would end the wait early while the other calls go on.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  worker: (item: T) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;

  const lane = async (): Promise<void> => {
    while (next < items.length && !stopped()) {
      const item = items[next];
      next += 1;
      await worker(item);
    }
  };

  const lanes = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
}
