// A scripted vSphere SOAP peer on 127.0.0.1 (plain http, loopback only): paging with tokens, the calls' order, logout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverVcenter } from '../../../main/discovery/vcenter/vcenter-discovery';

const env = (b: string) => `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${b}</soapenv:Body></soapenv:Envelope>`;
const vm = (i: number) => `<objects><obj type="VirtualMachine">vm-${i}</obj><propSet><name>name</name><val>vm${i}</val></propSet><propSet><name>config.hardware.numCPU</name><val>${i}</val></propSet></objects>`;

let server: http.Server | null = null;
afterEach(() => server?.close());

async function peer(answer: (op: string, body: string) => string | null): Promise<{ url: string; ops: string[] }> {
  const ops: string[] = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const op = /<soapenv:Body><(\w+)/.exec(body)?.[1] ?? '?';
      ops.push(op);
      const a = answer(op, body);
      if (a === null) return res.socket?.destroy();
      res.writeHead(200, { 'Content-Type': 'text/xml', ...(op === 'Login' ? { 'Set-Cookie': 'vmware_soap_session="abc"; Path=/; HttpOnly' } : {}) });
      res.end(env(a));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/sdk`, ops };
}

const standard = (op: string, body: string): string | null => {
  switch (op) {
    case 'RetrieveServiceContent':
      return '<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">pc</propertyCollector><viewManager type="ViewManager">vm</viewManager><sessionManager type="SessionManager">sm</sessionManager><about><instanceUuid>vc-1</instanceUuid></about></returnval></RetrieveServiceContentResponse>';
    case 'Login':
    case 'Logout':
    case 'DestroyView':
      return `<${op}Response xmlns="urn:vim25"><returnval/></${op}Response>`;
    case 'CreateContainerView':
      return `<CreateContainerViewResponse xmlns="urn:vim25"><returnval type="ContainerView">${body.includes('<type>VirtualMachine</type>') ? 'v-vm' : 'v-places'}</returnval></CreateContainerViewResponse>`;
    case 'RetrievePropertiesEx':
      if (body.includes('v-places')) return '<RetrievePropertiesExResponse xmlns="urn:vim25"/>';
      expect(body).toContain('<maxObjects>2</maxObjects>');
      return `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>p2</token>${vm(1)}${vm(2)}</returnval></RetrievePropertiesExResponse>`;
    case 'ContinueRetrievePropertiesEx':
      if (body.includes('<token>p2</token>')) return `<ContinueRetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>p3</token>${vm(3)}${vm(4)}</returnval></ContinueRetrievePropertiesExResponse>`;
      return `<ContinueRetrievePropertiesExResponse xmlns="urn:vim25"><returnval>${vm(5)}</returnval></ContinueRetrievePropertiesExResponse>`;
    default:
      return null;
  }
};

describe('vSphere SOAP paging and session', () => {
  it('follows the token until the last page, sends the session cookie and logs out', async () => {
    const p = await peer(standard);
    const inv = await discoverVcenter({ url: p.url, user: 'u', password: 'p', pageSize: 2 });
    expect(inv.vms.map((v) => [v.name, v.numCPU])).toEqual([['vm1', 1], ['vm2', 2], ['vm3', 3], ['vm4', 4], ['vm5', 5]]);
    expect(inv.vcenter).toMatchObject({ instanceUuid: 'vc-1', name: '127.0.0.1' });
    // '?': the tagging service's session request (POST /rest/com/vmware/cis/session), which this SOAP-only peer drops.
    expect(p.ops).toEqual(['RetrieveServiceContent', 'Login', 'CreateContainerView', 'RetrievePropertiesEx', 'DestroyView', 'CreateContainerView', 'RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'DestroyView', '?', 'Logout']);
    expect(inv.warnings).toEqual([expect.stringMatching(/^vSphere tags were not read: the tagging service did not answer/)]);
  });

  it('a peer that drops the connection mid-way is unreachable, and the session is still logged out', async () => {
    const p = await peer((op, body) => (op === 'ContinueRetrievePropertiesEx' ? null : standard(op, body)));
    const err = await discoverVcenter({ url: p.url, user: 'u', password: 'secret-pw', pageSize: 2 }).then(() => null, (e: unknown) => e as Error & { code: string });
    expect(err?.code).toBe('discovery-unreachable');
    expect(err?.message).not.toContain('secret-pw');
    expect(p.ops.at(-1)).toBe('Logout');
  });

  it('garbage instead of SOAP is a malformed-response error', async () => {
    const p = await peer((op, body) => (op === 'CreateContainerView' ? '<unclosed>' : standard(op, body)));
    await expect(discoverVcenter({ url: p.url, user: 'u', password: 'p' })).rejects.toMatchObject({ code: 'discovery-malformed-response' });
  });

  it('plain http is refused for anything but loopback', async () => {
    await expect(discoverVcenter({ url: 'http://vc.example.com/sdk', user: 'u', password: 'p' })).rejects.toMatchObject({ code: 'discovery-unreachable' });
  });
});
