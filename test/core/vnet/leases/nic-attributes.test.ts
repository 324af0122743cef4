import t from 'tap';

import { allocateLease, ONED_INHERITED_NETWORK_ATTRIBUTES } from '../../../../core/vnet/leases/index.js';
import { VectorAttribute } from '../../../../core/template/index.js';
import { makeNetwork } from './fixtures/network.js';

t.test('range attributes override the network', async (t) => {
  const vnet = makeNetwork({ ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '2', BRIDGE: 'br-ar', VLAN_ID: '12', VN_MAD: '802.1Q', PHYDEV: 'eth1' }] });

  const attributes = new Map(allocateLease(vnet, { vmId: 1, nicId: 0 }).nicAttributes);

  t.equal(attributes.get('BRIDGE'), 'br-ar');
  t.equal(attributes.get('VLAN_ID'), '12');
  t.equal(attributes.get('VN_MAD'), '802.1Q');
  t.equal(attributes.get('PHYDEV'), 'eth1');
});

t.test('inherited attributes', async (t) => {
  const vnet = makeNetwork({
    ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '2', MTU: '1450' }],
    template: 'MTU = "9000"\nFILTER_IP_SPOOFING = "YES"\nMETRIC = "100"\nCONF = [ OVS_PORT = "7", EXTRA = "x" ]\nUNLISTED = "y"',
  });
  const nic = new VectorAttribute([['METRIC', '5'], ['EXTRA', 'mine']]);

  const attributes = new Map(allocateLease(vnet, { vmId: 1, nicId: 0, nic }).nicAttributes);

  t.equal(attributes.get('MTU'), '1450', 'the range value comes before the template value');
  t.equal(attributes.get('FILTER_IP_SPOOFING'), 'YES');
  t.equal(attributes.has('METRIC'), false, 'a value the NIC sets is kept');
  t.equal(attributes.get('OVS_PORT'), '7', 'a template vector is copied as its sub-attributes');
  t.equal(attributes.has('EXTRA'), false, 'a sub-attribute the NIC sets is kept');
  t.equal(attributes.has('UNLISTED'), false, 'attributes outside the list are not copied');
});

t.test('inherited attribute list can follow oned.conf', async (t) => {
  const vnet = makeNetwork({
    ranges: [{ TYPE: 'IP4', IP: '10.0.0.1', SIZE: '2' }],
    template: 'NETWORK_ADDRESS = "10.0.0.0"\nGATEWAY = "10.0.0.254"\nDNS = "10.0.0.53"',
  });

  const attributes = new Map(allocateLease(vnet, { vmId: 1, nicId: 0, inherited: ONED_INHERITED_NETWORK_ATTRIBUTES }).nicAttributes);

  t.equal(attributes.get('GATEWAY'), '10.0.0.254');
  t.equal(attributes.has('NETWORK_ADDRESS'), false);
  t.equal(attributes.has('DNS'), false);
});
