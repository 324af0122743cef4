import t from 'tap';

import { allocateLease, contextVariables } from '../../../../core/vnet/leases/index.js';
import { VectorAttribute } from '../../../../core/template/index.js';
import { makeNetwork } from './fixtures/network.js';

const NETWORK_TEMPLATE = 'NETWORK_ADDRESS = "10.0.0.0"\nNETWORK_MASK = "255.255.255.0"\nGATEWAY = "10.0.0.254"\nDNS = "10.0.0.53 10.0.0.54"';

/** Allocates a lease for NIC `nicId` and returns the NIC with its attributes set. */
function leasedNic(vnet: ReturnType<typeof makeNetwork>, nicId: number): VectorAttribute {
  const nic = new VectorAttribute([['NIC_ID', String(nicId)]]);
  for (const [name, value] of allocateLease(vnet, { vmId: 1, nicId, nic }).nicAttributes) nic.set(name, value);
  return nic;
}

t.test('context variables of a leased NIC', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '8' }], template: NETWORK_TEMPLATE });
  leasedNic(vnet, 0);
  const nic = leasedNic(vnet, 1);

  const variables = new Map(contextVariables(1, nic));

  t.equal(variables.get('ETH1_IP'), '10.0.0.2');
  t.equal(variables.get('ETH1_MAC'), '02:00:0a:00:00:02');
  t.equal(variables.get('ETH1_MASK'), '255.255.255.0');
  t.equal(variables.get('ETH1_NETWORK'), '10.0.0.0');
  t.equal(variables.get('ETH1_GATEWAY'), '10.0.0.254');
  t.equal(variables.get('ETH1_DNS'), '10.0.0.53 10.0.0.54');
  t.equal(variables.get('ETH1_SEARCH_DOMAIN'), '', 'unset variables are written empty');
  t.equal(variables.get('ETH1_IP6'), '');
  t.notOk([...variables.keys()].some((name) => !name.startsWith('ETH1_')), 'every name starts with ETH1_');
});

t.test('context variable names and order', async (t) => {
  const names = contextVariables(0, new VectorAttribute()).map(([name]) => name);

  t.same(names, [
    'ETH0_IP', 'ETH0_MAC', 'ETH0_MASK', 'ETH0_NETWORK', 'ETH0_GATEWAY', 'ETH0_DNS', 'ETH0_SEARCH_DOMAIN',
    'ETH0_MTU', 'ETH0_METRIC', 'ETH0_METHOD', 'ETH0_VLAN_ID', 'ETH0_VROUTER_IP', 'ETH0_VROUTER_MANAGEMENT',
    'ETH0_EXTERNAL', 'ETH0_IP6', 'ETH0_IP6_ULA', 'ETH0_IP6_GATEWAY', 'ETH0_IP6_METRIC', 'ETH0_IP6_METHOD',
    'ETH0_IP6_PREFIX_LENGTH', 'ETH0_VROUTER_IP6',
  ]);
});

t.test('context variables looked up in the network', async (t) => {
  const vnet = makeNetwork({
    ranges: [
      { TYPE: 'IP4', IP: '10.0.0.1', SIZE: '8' },
      { TYPE: 'IP4', IP: '10.0.1.1', SIZE: '8', GATEWAY: '10.0.1.254', GUEST_MTU: '1400' },
    ],
    template: NETWORK_TEMPLATE,
  });
  const nic = new VectorAttribute([['IP', '10.0.1.1'], ['MAC', '02:00:0a:00:01:01'], ['AR_ID', '1']]);

  const withoutNetwork = new Map(contextVariables(0, nic));
  const withNetwork = new Map(contextVariables(0, nic, vnet));

  t.equal(withoutNetwork.get('ETH0_GATEWAY'), '', 'without the network only the NIC counts');
  t.equal(withNetwork.get('ETH0_GATEWAY'), '10.0.1.254', 'the address range comes first');
  t.equal(withNetwork.get('ETH0_MASK'), '255.255.255.0', 'then the network template');
  t.equal(withNetwork.get('ETH0_MTU'), '1400', 'ETH<i>_MTU comes from GUEST_MTU');
  t.equal(withNetwork.get('ETH0_IP'), '10.0.1.1');
});

t.test('context variables of an IPv6 NIC', async (t) => {
  const global = new VectorAttribute([['IP6_GLOBAL', '2001:db8::aff:fe00:1'], ['IP6_ULA', 'fd00::aff:fe00:1'], ['IP6', '2001:db8::9']]);
  const staticOnly = new VectorAttribute([['IP6', '2001:db8::9']]);

  const fromGlobal = new Map(contextVariables(0, global));
  const fromStatic = new Map(contextVariables(0, staticOnly));

  t.equal(fromGlobal.get('ETH0_IP6'), '2001:db8::aff:fe00:1', 'IP6_GLOBAL is preferred');
  t.equal(fromGlobal.get('ETH0_IP6_ULA'), 'fd00::aff:fe00:1');
  t.equal(fromStatic.get('ETH0_IP6'), '2001:db8::9', 'IP6 when there is no IP6_GLOBAL');
});
