import t from 'tap';
import { aclRuleParams } from '../../cli/commands/acl.js';
import { CliError, ExitCode } from '../../cli/errors.js';
import { renderShow } from '../../cli/output/show.js';
import { renderTable } from '../../cli/output/table.js';
import { templateText } from '../../cli/output/template-text.js';
import { formatDuration, formatKib, formatMib } from '../../cli/output/units.js';
import { buildTemplate } from '../../cli/template-input.js';

t.test('ACL rule text converts to hex parameters', async (t) => {
  t.same(aclRuleParams('@1 VM+IMAGE/#5 USE+MANAGE'), ['200000001', '9100000005', '3']);
  t.same(aclRuleParams('* NET/%100 USE *'), ['400000000', '4800000064', '1', '400000000']);
  t.same(aclRuleParams('#3 IMAGE+TEMPLATE/@100 USE+MANAGE #0'), ['100000003', '28200000064', '3', '100000000']);
  t.same(aclRuleParams('  @1   vm/*  use  '), ['200000001', '1400000000', '1'], 'case and extra spaces');
});

t.test('invalid ACL rule text is a usage error', async (t) => {
  for (const rule of ['@1 VM', '@1 BOGUS/* USE', '@1 VM/* FLY', '%1 VM/* USE']) {
    const error = t.throws(() => aclRuleParams(rule)) as unknown;
    t.ok(error instanceof CliError, rule);
    t.equal((error as CliError).exitCode, ExitCode.USAGE, rule);
  }
});

t.test('table has a header and aligned columns', async (t) => {
  const text = renderTable(
    [
      { header: 'ID', value: (entry) => String(entry.ID), align: 'right' },
      { header: 'NAME', value: (entry) => String(entry.NAME) },
    ],
    [
      { ID: '3', NAME: 'web' },
      { ID: '12', NAME: 'database' },
    ],
    { now: 0 },
  );

  t.equal(text, 'ID NAME\n 3 web\n12 database');
});

t.test('sizes and durations format', async (t) => {
  t.equal(formatKib('524288'), '512M');
  t.equal(formatKib('1572864'), '1.5G');
  t.equal(formatMib('512'), '512M');
  t.equal(formatMib('2048'), '2G');
  t.equal(formatMib(''), '-');
  t.equal(formatDuration(3 * 86400 + 4 * 3600 + 5 * 60 + 59), '3d 04h05');
});

t.test('template renders in template syntax', async (t) => {
  const text = templateText({ CPU: '1', DISK: [{ IMAGE_ID: '3' }, { IMAGE_ID: '4' }], DESCRIPTION: 'say "hi"' });

  t.equal(text, 'CPU="1"\nDISK=[\n  IMAGE_ID="3" ]\nDISK=[\n  IMAGE_ID="4" ]\nDESCRIPTION="say \\"hi\\""\n');
});

t.test('built templates quote their values', async (t) => {
  t.equal(buildTemplate([['NAME', 'my "img"'], ['PATH', '/srv/x'], ['TYPE', undefined]]), 'NAME="my \\"img\\""\nPATH="/srv/x"\n');
});

t.test('show view lists fields then sections', async (t) => {
  const text = renderShow(
    {
      ID: '5',
      STATE: '3',
      STIME: '0',
      VMS: { ID: ['1', '2'] },
      MONITORING: '',
      PERMISSIONS: { OWNER_U: '1', OWNER_M: '1', OWNER_A: '0', GROUP_U: '0', GROUP_M: '0', GROUP_A: '0', OTHER_U: '0', OTHER_M: '0', OTHER_A: '0' },
      TEMPLATE: { CPU: '1' },
      VM_QUOTA: '',
    },
    { title: 'THING 5', labels: { STATE: (value) => `state ${value}` } },
  );

  t.equal(
    text,
    [
      'THING 5',
      'ID    : 5',
      'STATE : state 3',
      'STIME : -',
      'VMS   : 1,2',
      '',
      'PERMISSIONS',
      'OWNER : um-',
      'GROUP : ---',
      'OTHER : ---',
      'OCTAL : 600',
      '',
      'TEMPLATE',
      'CPU="1"',
    ].join('\n'),
  );
});
