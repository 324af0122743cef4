import { writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ConfigError, loadSettings } from '../../../core/config/load-settings.js';
import { DEFAULT_SETTINGS } from '../../../core/config/settings.js';
import { PROJECT_ROOT, temporaryHome } from '../../helpers/daemon.js';

t.test('shipped config equals the defaults', async (t) => {
  const settings = loadSettings(path.join(PROJECT_ROOT, 'etc', 'stratusd.conf'));

  t.same(settings, DEFAULT_SETTINGS);
});

t.test('port above 65535 rejected', async (t) => {
  const file = path.join(temporaryHome(t), 'port.conf');
  writeFileSync(file, 'PORT = 65536\n');

  t.throws(() => loadSettings(file), ConfigError, 'ConfigError');
  t.throws(() => loadSettings(file), /PORT must be an integer from 0 to 65535, got "65536"/, 'message');
});

t.test('port 65535 accepted', async (t) => {
  const file = path.join(temporaryHome(t), 'port.conf');
  writeFileSync(file, 'PORT = 65535\n');

  t.equal(loadSettings(file).port, 65535);
});

t.test('scheduler section read', async (t) => {
  const file = path.join(temporaryHome(t), 'scheduler.conf');
  writeFileSync(file, 'SCHEDULER = [ INTERVAL_MS = "500", POLICY = "PACKING", MAX_DISPATCH = "0", MAX_HOST = "0" ]\n');

  t.same(loadSettings(file).scheduler, { intervalMs: 500, policy: 'packing', maxDispatch: 0, maxHost: 0 });
});

t.test('scheduler section invalid values rejected', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['POLICY = "custom"', /SCHEDULER\/POLICY must be one of packing, striping, load-aware, fixed, got "custom"/],
    ['MAX_DISPATCH = "-1"', /SCHEDULER\/MAX_DISPATCH must be an integer of at least 0, got "-1"/],
    ['MAX_HOST = "one"', /SCHEDULER\/MAX_HOST must be an integer of at least 0, got "one"/],
    ['INTERVAL_MS = "10"', /SCHEDULER\/INTERVAL_MS must be an integer from 100 to 2147483647, got "10"/],
    ['RANK = "FREE_CPU"', /unknown setting SCHEDULER\/RANK/],
  ];

  for (const [setting, message] of cases) {
    const file = path.join(temporaryHome(t), 'scheduler.conf');
    writeFileSync(file, `SCHEDULER = [ ${setting} ]\n`);
    t.throws(() => loadSettings(file), message, setting);
  }
});
