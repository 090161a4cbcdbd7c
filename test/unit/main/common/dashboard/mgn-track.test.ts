// MGN / SMS responses matched to inventory servers: each identity MGN reports, ambiguity, and bad input.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { emptyResponses, readSavedResponses, trackMgn, type MgnResponses } from '../../../../../main/common/dashboard/mgn-track';
import { awsStateLabel } from '../../../../../main/common/dashboard/mgn-labels';
import { makeServer } from '../../../../helpers/plan-fixtures';
import { mgnSampleResponses } from '../../../../fakes/mgn.fake';
import { sharedPath } from '../../../../helpers/shared';

const servers = [
  makeServer('web', { name: 'WEB01', identity: { hostName: 'web01.corp.example' } }),
  // MGN reports the BIOS UUID; RVTools may hold it in SMBIOS byte order.
  makeServer('db', { name: 'FRA-DB', identity: { biosUuid: 'aaaa1142-bbbb-cccc-dddd-eeeeffff0001' } }),
  makeServer('app', { name: 'FRA-APP', nics: [{ ipv4: ['10.0.0.31'], ipv6: [] }] }),
  makeServer('twin1', { name: 'TWIN-A', nics: [{ ipv4: ['10.9.9.9'], ipv6: [] }] }),
  makeServer('twin2', { name: 'TWIN-B', nics: [{ ipv4: ['10.9.9.9'], ipv6: [] }] }),
  makeServer('vm', { name: 'win2k12', identity: { moref: 'vm-2345' } }),
];

const source = { kind: 'file' as const, name: 't.json', region: null };

function responses(): MgnResponses {
  const r = emptyResponses();
  const s = mgnSampleResponses();
  const out = readSavedResponses({ DescribeSourceServers: { items: s.sourceServers }, DescribeJobs: { items: s.jobs } }, r);
  if (typeof out === 'string') throw new Error(out);
  return out;
}

describe('trackMgn', () => {
  it('matches by host name (FQDN or short), by VMware UUID in either byte order, by IP; never guesses', () => {
    const st = trackMgn(responses(), servers, source, '2026-11-20T10:00:00.000Z');
    const by = Object.fromEntries(st.servers.map((s) => [s.id, s]));
    expect(by['s-1111111111111111a']).toMatchObject({ serverId: 'web', serverName: 'WEB01', match: 'hostname', lifeCycle: 'READY_FOR_TEST', replicationState: 'CONTINUOUS' });
    expect(by['s-2222222222222222b']).toMatchObject({ serverId: 'db', match: 'vmware-uuid', replicatedBytes: 50 * 2 ** 30, totalBytes: 200 * 2 ** 30 });
    expect(by['s-3333333333333333c']).toMatchObject({ serverId: 'app', match: 'ip', error: 'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER: timeout' });
    expect(by['s-4444444444444444d']).toMatchObject({ serverId: null, match: 'none' });
    expect(st.matched).toBe(3);
    expect(st.unmatched).toBe(1);
    // The newest job a server took part in; jobs newest first.
    expect(by['s-1111111111111111a']!.lastJob).toMatchObject({ id: 'mgnjob-2222222222222222b', kind: 'START_CUTOVER', status: 'STARTED' });
    expect(st.jobs.map((j) => j.id)).toEqual(['mgnjob-2222222222222222b', 'mgnjob-1111111111111111a']);
  });

  it('an identity that fits two inventory servers is ambiguous, not a pick', () => {
    const r = emptyResponses();
    r.sourceServers.push({ sourceServerID: 's-5', sourceProperties: { identificationHints: { hostname: 'nomatch' }, networkInterfaces: [{ ips: ['10.9.9.9'] }] } });
    const st = trackMgn(r, servers, source, 'x');
    expect(st.servers[0]).toMatchObject({ serverId: null, match: 'ambiguous' });
  });

  it('archived source servers are left out', () => {
    const r = emptyResponses();
    r.sourceServers.push({ sourceServerID: 's-6', isArchived: true });
    expect(trackMgn(r, servers, source, 'x').servers).toEqual([]);
  });

  it("reads the SMS GetReplicationJobs sample from AWS's documentation and matches its VMs by VM id", () => {
    const sample = JSON.parse(readFileSync(sharedPath('samples', 'sms_get-replication-jobs_response.json'), 'utf8')) as unknown;
    const r = readSavedResponses(sample);
    expect(typeof r).not.toBe('string');
    const st = trackMgn(r as MgnResponses, servers, source, 'x');
    expect(st.servers.map((s) => [s.id, s.serverId, s.match, s.lifeCycle, s.replicationState])).toEqual([
      ['sms-job-98765432', null, 'none', 'Deleted', 'Uploading'],
      ['sms-job-23456789', 'vm', 'vm-id', 'Active', 'Converting'],
    ]);
    expect(st.servers[1]!.lastJob).toMatchObject({ id: 'sms-run-12345679', status: 'Active', at: new Date(1477008789 * 1000).toISOString() });
  });
});

describe('readSavedResponses', () => {
  it('tells DescribeSourceServers from DescribeJobs by shape; an empty list is a valid answer', () => {
    const s = mgnSampleResponses();
    const r = readSavedResponses({ items: s.jobs });
    expect(typeof r === 'string' ? r : r.jobs.length).toBe(2);
    const r2 = readSavedResponses({ items: s.sourceServers, nextToken: null });
    expect(typeof r2 === 'string' ? r2 : r2.sourceServers.length).toBe(4);
    expect(readSavedResponses({ items: [] })).toEqual(emptyResponses());
  });

  it('refuses other JSON with a sentence that names what was expected, not the content', () => {
    for (const bad of [[1, 2], 'text', null, { servers: [] }]) expect(typeof readSavedResponses(bad)).toBe('string');
    const wrong = readSavedResponses({ items: [{ sourceServerID: 42, secret: 'hunter2-do-not-echo' }] });
    expect(wrong).toMatch(/DescribeSourceServers/);
    expect(wrong).not.toContain('hunter2');
  });
});

describe('awsStateLabel', () => {
  it('words AWS states, known or not', () => {
    expect(awsStateLabel('READY_FOR_TEST')).toBe('Ready for test');
    expect(awsStateLabel('INITIAL_SYNC')).toBe('Initial sync');
    expect(awsStateLabel('Active')).toBe('Active');
    expect(awsStateLabel('SOME_NEW_STATE')).toBe('Some new state');
    expect(awsStateLabel(null)).toBe('Unknown');
  });
});
