import { writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { loadSettings } from '../../../core/config/load-settings.js';
import { temporaryHome } from '../../helpers/daemon.js';

t.test('monitor section read', async (t) => {
  const file = path.join(temporaryHome(t), 'monitor.conf');
  writeFileSync(file, 'MONITOR = [ HOST_INTERVAL_MS = "1000", VM_INTERVAL_MS = "500", FIRST_DELAY_MS = "0", NEW_HOSTS = "NO", MAX_DRIVER_CALLS = "2" ]\n');

  t.same(loadSettings(file).monitor, { hostIntervalMs: 1000, vmIntervalMs: 500, firstDelayMs: 0, newHosts: false, concurrency: 2 });
});

t.test('monitor section invalid values rejected', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['HOST_INTERVAL_MS = "10"', /MONITOR\/HOST_INTERVAL_MS must be an integer from 100 to 2147483647, got "10"/],
    ['VM_INTERVAL_MS = "2147483648"', /MONITOR\/VM_INTERVAL_MS must be an integer from 100 to 2147483647, got "2147483648"/],
    ['FIRST_DELAY_MS = "-1"', /MONITOR\/FIRST_DELAY_MS must be an integer from 0 to 2147483647, got "-1"/],
    ['NEW_HOSTS = "maybe"', /MONITOR\/NEW_HOSTS/],
    ['MAX_DRIVER_CALLS = "0"', /MONITOR\/MAX_DRIVER_CALLS must be an integer from 1 to 1000, got "0"/],
    ['INTERVAL = "5"', /unknown setting MONITOR\/INTERVAL/],
  ];

  for (const [setting, message] of cases) {
    const file = path.join(temporaryHome(t), 'monitor.conf');
    writeFileSync(file, `MONITOR = [ ${setting} ]\n`);
    t.throws(() => loadSettings(file), message, setting);
  }
});
