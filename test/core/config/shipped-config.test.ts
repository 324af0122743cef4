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
