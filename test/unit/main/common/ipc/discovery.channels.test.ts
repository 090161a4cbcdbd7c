// Every discovery source's channel has the shape of discovery.vcenter, so the Discover dialog can run any of them
// the same way: strict zod arguments with `removeGone` and `taskId`, and the one DiscoveryReport result.
import { describe, expect, it } from 'vitest';
import { DiscoveryReportSchema, discoveryChannels } from '../../../../../main/common/ipc/channels/discovery.channels';
import { DISCOVERY_KIND_LABELS, DiscoveryKindSchema } from '../../../../../main/common/model/discovery';

const minimal: Record<string, Record<string, unknown>> = {
  'discovery.vcenter': { url: 'https://vc/sdk', user: 'u', password: 'p' },
  'discovery.libvirt': { uri: 'qemu:///system' },
  'discovery.ssh': { hosts: ['web01'], user: 'root', password: 'p' },
  'discovery.hyperv': {},
  'discovery.virtualbox': {},
  'discovery.vmwareWorkstation': { folder: '/vms' },
  'discovery.azure': { subscriptionId: '0f1e2d3c-4b5a-4697-8877-665544332211' },
};

describe('discovery channels', () => {
  it('each source takes removeGone and taskId, refuses unknown keys, and answers a DiscoveryReport', () => {
    // Not sources: the list of sources, saved connections and forgetting a saved password.
    const sources = Object.keys(discoveryChannels).filter((k) => !['discovery.sources', 'discovery.connections', 'discovery.forgetSecret'].includes(k));
    expect(sources.sort()).toEqual(Object.keys(minimal).sort());
    for (const name of sources) {
      const ch = discoveryChannels[name as keyof typeof discoveryChannels];
      expect(ch.result).toBe(DiscoveryReportSchema);
      expect(ch.args.safeParse({ ...minimal[name], removeGone: true, taskId: 't-1' }).success, name).toBe(true);
      expect(ch.args.safeParse({ ...minimal[name], secret: 'x' }).success, name).toBe(false);
    }
  });

  it('Hyper-V takes a host or a saved-JSON folder, not both; Azure a GUID subscription', () => {
    expect(discoveryChannels['discovery.hyperv'].args.safeParse({ host: 'hv01' }).success).toBe(true);
    expect(discoveryChannels['discovery.hyperv'].args.safeParse({ host: 'hv01', fromJson: '/x' }).success).toBe(false);
    expect(discoveryChannels['discovery.azure'].args.safeParse({ subscriptionId: 'my-sub' }).success).toBe(false);
    expect(discoveryChannels['discovery.azure'].args.safeParse({ subscriptionId: '0f1e2d3c-4b5a-4697-8877-665544332211', resourceGroups: ['rg-a', 'rg-b'], tenantId: 'contoso.onmicrosoft.com' }).success).toBe(true);
  });

  it('every kind has a human label', () => {
    for (const k of DiscoveryKindSchema.options) expect(DISCOVERY_KIND_LABELS[k]).toMatch(/[A-Z]/);
  });
});
