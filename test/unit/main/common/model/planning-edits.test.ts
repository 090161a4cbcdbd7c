import { describe, expect, it } from 'vitest';
import { applyEdit, ProjectEditSchema, type ProjectEdit } from '../../../../../main/common/model/edits';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { deriveLogicalId, formatKnownNetwork, parseKnownNetwork, placementsByServer, resolveLogicalIds } from '../../../../../main/common/model/planning';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { docWithServers } from '../../../../helpers/plan-fixtures';

function withApp(doc: ProjectDocument): ProjectDocument {
  return applyEdit(doc, { type: 'application.create', applicationId: 'a1', name: 'Shop', groups: [{ id: 'g1', name: 'DB', serverIds: ['s1', 's2'] }, { id: 'g2', name: 'App', serverIds: ['s3'] }] });
}

function groupsOf(doc: ProjectDocument, appId = 'a1') {
  return doc.planning.applications.find((a) => a.id === appId)!.groups.map((g) => [g.id, g.serverIds]);
}

describe('planning edits', () => {
  it('creates an application with groups and servers, without mutating the input', () => {
    const doc = docWithServers(5);
    const before = JSON.stringify(doc);
    const next = withApp(doc);
    expect(JSON.stringify(doc)).toBe(before);
    expect(groupsOf(next)).toEqual([['g1', ['s1', 's2']], ['g2', ['s3']]]);
  });

  it('moves a multi-selection into a group at an index, out of its previous groups', () => {
    const doc = withApp(docWithServers(6));
    const next = applyEdit(doc, { type: 'servers.move', serverIds: ['s4', 's1', 's5'], target: { applicationId: 'a1', groupId: 'g2', index: 0 } });
    expect(groupsOf(next)).toEqual([['g1', ['s2']], ['g2', ['s4', 's1', 's5', 's3']]]);
  });

  it('keeps a server in one group only, across applications', () => {
    let doc = withApp(docWithServers(4));
    doc = applyEdit(doc, { type: 'application.create', applicationId: 'a2', name: 'Other', groups: [{ id: 'x1', name: 'All', serverIds: ['s1'] }] });
    expect(groupsOf(doc)).toEqual([['g1', ['s2']], ['g2', ['s3']]]);
    expect(placementsByServer(doc.planning).get('s1')).toEqual({ applicationId: 'a2', groupId: 'x1', groupIndex: 0 });
  });

  it('moves servers out of every group (target null)', () => {
    const doc = applyEdit(withApp(docWithServers(4)), { type: 'servers.move', serverIds: ['s1', 's3'], target: null });
    expect(groupsOf(doc)).toEqual([['g1', ['s2']], ['g2', []]]);
  });

  it('reorders within a group: the index counts the servers that stay', () => {
    let doc = docWithServers(4);
    doc = applyEdit(doc, { type: 'application.create', applicationId: 'a1', name: 'A', groups: [{ id: 'g1', name: 'G', serverIds: ['s1', 's2', 's3', 's4'] }] });
    doc = applyEdit(doc, { type: 'servers.move', serverIds: ['s1'], target: { applicationId: 'a1', groupId: 'g1', index: 3 } });
    expect(groupsOf(doc)).toEqual([['g1', ['s2', 's3', 's1', 's4']]]);
  });

  it('moves hundreds of servers in one edit', () => {
    let doc = docWithServers(800);
    doc = applyEdit(doc, { type: 'application.create', applicationId: 'a1', name: 'Big', groups: [{ id: 'g1', name: 'One', serverIds: [] }, { id: 'g2', name: 'Two', serverIds: [] }] });
    const ids = doc.inventory.servers.slice(0, 500).map((s) => s.id);
    doc = applyEdit(doc, { type: 'servers.move', serverIds: ids, target: { applicationId: 'a1', groupId: 'g1' } });
    doc = applyEdit(doc, { type: 'servers.move', serverIds: ids.slice(100, 400), target: { applicationId: 'a1', groupId: 'g2' } });
    const [g1, g2] = doc.planning.applications[0]!.groups;
    expect(g1!.serverIds).toHaveLength(200);
    expect(g2!.serverIds).toEqual(ids.slice(100, 400));
  });

  it('creates, renames, reorders and deletes groups', () => {
    let doc = withApp(docWithServers(4));
    doc = applyEdit(doc, { type: 'group.create', applicationId: 'a1', groupId: 'g0', name: 'Infra', index: 0 });
    doc = applyEdit(doc, { type: 'group.rename', applicationId: 'a1', groupId: 'g2', name: 'Application' });
    doc = applyEdit(doc, { type: 'group.move', applicationId: 'a1', groupId: 'g2', toIndex: 0 });
    expect(doc.planning.applications[0]!.groups.map((g) => g.name)).toEqual(['Application', 'Infra', 'DB']);
    doc = applyEdit(doc, { type: 'group.delete', applicationId: 'a1', groupId: 'g1' });
    expect(doc.planning.applications[0]!.groups.map((g) => g.id)).toEqual(['g2', 'g0']);
    expect(placementsByServer(doc.planning).has('s1')).toBe(false);
  });

  it('sets launch settings for many servers; null clears a field', () => {
    let doc = withApp(docWithServers(3));
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s1', 's2'], patch: { instanceType: 'm6i.large', securityGroupIds: ['sg-0123456789abcdef0'], tenancy: 'dedicated' } });
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s2'], patch: { tenancy: null } });
    expect(doc.planning.launchSettings.s1).toMatchObject({ instanceType: 'm6i.large', tenancy: 'dedicated' });
    expect(doc.planning.launchSettings.s2).toMatchObject({ instanceType: 'm6i.large' });
    expect(doc.planning.launchSettings.s2!.tenancy).toBeUndefined();
    expect(doc.planning.launchSettings.s3).toBeUndefined();
  });

  it('updates application settings and deletes the application', () => {
    let doc = withApp(docWithServers(3));
    doc = applyEdit(doc, { type: 'application.update', applicationId: 'a1', patch: { vpcId: 'vpc-0123456789abcdef0', replication: { frequency: 6, amisToKeep: 5, licenseType: 'BYOL', encrypted: true, kmsKeyId: 'alias/migration' } } });
    expect(doc.planning.applications[0]).toMatchObject({ vpcId: 'vpc-0123456789abcdef0', replication: { frequency: 6, licenseType: 'BYOL' } });
    doc = applyEdit(doc, { type: 'application.update', applicationId: 'a1', patch: { vpcId: null } });
    expect(doc.planning.applications[0]!.vpcId).toBeUndefined();
    doc = applyEdit(doc, { type: 'application.delete', applicationId: 'a1' });
    expect(doc.planning.applications).toEqual([]);
  });

  it('refuses bad input with typed errors and leaves the document alone', () => {
    const doc = withApp(docWithServers(3));
    const cases: ProjectEdit[] = [
      { type: 'servers.move', serverIds: ['nope'], target: { applicationId: 'a1', groupId: 'g1' } },
      { type: 'servers.move', serverIds: ['s1'], target: { applicationId: 'a1', groupId: 'missing' } },
      { type: 'application.create', applicationId: 'a1', name: 'Dup' },
      { type: 'group.create', applicationId: 'a1', groupId: 'g1', name: 'Dup' },
      { type: 'launchSettings.set', serverIds: ['s1', 's2'], patch: { logicalId: 'Same' } },
      { type: 'application.rename', applicationId: 'zzz', name: 'x' },
    ];
    for (const edit of cases) {
      expect(() => applyEdit(doc, edit)).toThrow();
      try {
        applyEdit(doc, edit);
      } catch (err) {
        expect(isWorkbenchError(err)).toBe(true);
      }
    }
    expect(groupsOf(doc)).toEqual([['g1', ['s1', 's2']], ['g2', ['s3']]]);
  });

  it('the schema rejects unknown fields and bad values at the boundary', () => {
    expect(ProjectEditSchema.safeParse({ type: 'launchSettings.set', serverIds: ['s1'], patch: { instanceType: 'm5.large', evil: 1 } }).success).toBe(false);
    expect(ProjectEditSchema.safeParse({ type: 'launchSettings.set', serverIds: [], patch: {} }).success).toBe(false);
    expect(ProjectEditSchema.safeParse({ type: 'group.move', applicationId: 'a', groupId: 'g', toIndex: -1 }).success).toBe(false);
    expect(ProjectEditSchema.safeParse({ type: 'launchSettings.set', serverIds: ['s1'], patch: { volumeType: 'gp9' } }).success).toBe(false);
    expect(ProjectEditSchema.safeParse({ type: 'servers.move', serverIds: ['s1'], target: null }).success).toBe(true);
  });
});

describe('logical IDs', () => {
  it('derives alphanumeric IDs from names and makes derived ones unique', () => {
    expect(deriveLogicalId('shop-db01.corp')).toBe('ShopDb01Corp');
    expect(deriveLogicalId('01-web')).toBe('Server01Web');
    expect(deriveLogicalId('---')).toBe('Server');
    const names = new Map([['a', 'WEB-01'], ['b', 'WEB 01'], ['c', 'x']]);
    const ids = resolveLogicalIds(['a', 'b', 'c'], names, { c: { logicalId: 'WEB01', securityGroupIds: [], testSecurityGroupIds: [], tags: {} } });
    expect([...ids.values()]).toEqual(['WEB012', 'WEB013', 'WEB01']);
  });
});

describe('known network', () => {
  it('reads pasted subnet and security group lines and names the ones it cannot read', () => {
    const { network, rejected } = parseKnownNetwork('subnet-0a1 vpc-1 app subnet\nsg-0b2, vpc-1\n# comment\n\nsubnet-0c3 not-a-vpc\nfoo vpc-2');
    expect(network).toEqual({ subnets: [{ id: 'subnet-0a1', vpcId: 'vpc-1', name: 'app subnet' }], securityGroups: [{ id: 'sg-0b2', vpcId: 'vpc-1' }] });
    expect(rejected).toEqual(['subnet-0c3 not-a-vpc', 'foo vpc-2']);
    expect(parseKnownNetwork(formatKnownNetwork(network)).network).toEqual(network);
  });
});
