import { HostState } from '../pools/records/host-record.js';
import type { Store } from '../pools/store.js';

/**
 * Calls `onNewHosts` after each commit that wrote hosts in INIT: hosts just added with
 * one.host.allocate or enabled again. Monitoring them at once gives them their
 * capacity, so the scheduler need not wait for the next host round to use them.
 */
export function watchNewHosts(store: Store, onNewHosts: (hostIds: number[]) => void): void {
  const written = new Set<number>();

  store.hosts.watchWrites((host) => {
    if (host.state === HostState.INIT) written.add(host.id);
  });

  store.db.afterTransaction((committed) => {
    if (committed && written.size > 0) onNewHosts([...written]);
    written.clear();
  });
}
