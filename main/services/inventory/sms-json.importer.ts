import { z } from 'zod';
import { WorkbenchError } from '../../common/model/errors';
import type { SkippedRow } from '../../common/model/inventory-import';
import type { VmManagerType } from '../../common/model/server';
import { basename, blankServer, type Importer } from './importer';

/** Enum spellings differ between the SMS API (`VSPHERE`) and its documentation (`vSphere`): both are read. */
const norm = (v: string | undefined) => (v ?? '').toUpperCase().replace(/[\s-]+/g, '_');

const VmServerSchema = z.object({
  vmManagerName: z.string().optional(),
  vmManagerType: z.string().optional(),
  vmName: z.string().optional(),
  vmPath: z.string().optional(),
  vmServerAddress: z.object({ vmManagerId: z.string().optional(), vmId: z.string().optional() }).optional(),
});
const ServerSchema = z.object({
  serverId: z.string().optional(),
  serverType: z.string().optional(),
  replicationJobId: z.string().optional(),
  replicationJobTerminated: z.boolean().optional(),
  vmServer: VmServerSchema.optional(),
});
const GetServersSchema = z.object({
  serverList: z.array(z.unknown()),
  serverCatalogStatus: z.string().optional(),
  lastModifiedOn: z.union([z.number(), z.string()]).optional(),
});

function managerType(t: string | undefined): VmManagerType {
  switch (norm(t)) {
    case 'VSPHERE':
      return 'vsphere';
    case 'SCVMM':
    case 'HYPERV_MANAGER':
      return 'hyperv';
    case 'AZURE':
      return 'azure';
    default:
      return 'unknown';
  }
}

export const smsJsonImporter: Importer = {
  kind: 'sms-json',
  label: 'AWS SMS GetServers JSON',
  detect: (f) => (f.format === 'json' && f.json && typeof f.json === 'object' && 'serverList' in (f.json as object) ? 1 : 0),
  async read([file]) {
    const parsed = GetServersSchema.safeParse(file!.json);
    if (!parsed.success) throw new WorkbenchError('import-unrecognized', `${file!.name} is JSON but not an AWS SMS GetServers response (no serverList).`);
    const skipped: SkippedRow[] = [];
    const warnings: string[] = [];
    const source = basename(file!.path);
    const status = norm(parsed.data.serverCatalogStatus);
    if (parsed.data.serverList.length === 0) {
      throw new WorkbenchError(
        'import-empty',
        `${file!.name} lists no servers${status ? ` (server catalog status: ${parsed.data.serverCatalogStatus})` : ''}.${status === 'NOT_IMPORTED' ? ' Import the catalog in SMS (aws sms import-server-catalog) and call GetServers again.' : ''}`,
      );
    }
    const servers = parsed.data.serverList.flatMap((raw, i) => {
      const r = ServerSchema.safeParse(raw);
      const vm = r.success ? r.data.vmServer : undefined;
      const name = vm?.vmName ?? (r.success ? r.data.serverId : undefined);
      if (!r.success || !name) {
        skipped.push({ file: source, row: i + 1, column: 'serverList', reason: 'entry has no vmServer.vmName or serverId; skipped' });
        return [];
      }
      const s = blankServer(name, { kind: 'sms-json', name: source });
      const p = s.provenance;
      const at = `serverList[${i}]`;
      p.name = `${at}.vmServer.vmName`;
      s.vmManager = { type: managerType(vm?.vmManagerType), ...(vm?.vmManagerName ? { name: vm.vmManagerName } : {}), ...(vm?.vmServerAddress?.vmManagerId ? { id: vm.vmServerAddress.vmManagerId } : {}) };
      p.vmManager = `${at}.vmServer.vmManagerType/Name`;
      if (vm?.vmServerAddress?.vmId) { s.identity.moref = vm.vmServerAddress.vmId; p['identity.moref'] = `${at}.vmServer.vmServerAddress.vmId`; }
      if (r.data.serverId) { s.identity.externalId = r.data.serverId; p['identity.externalId'] = `${at}.serverId`; }
      // vmPath is /Datacenters/DC1/vm/folder/…/name.
      const path = vm?.vmPath?.split('/').filter(Boolean) ?? [];
      if (path[0] === 'Datacenters' && path[1]) { s.place.datacenter = path[1]; p['place.datacenter'] = `${at}.vmServer.vmPath`; }
      const vmAt = path.indexOf('vm');
      if (vmAt >= 0 && path.length - vmAt > 2) { s.place.folder = path.slice(vmAt + 1, -1).join('/'); p['place.folder'] = `${at}.vmServer.vmPath`; }
      if (r.data.replicationJobId) { s.tags['sms replication job'] = r.data.replicationJobId; p['tags.sms replication job'] = `${at}.replicationJobId`; }
      return [s];
    });
    warnings.push('SMS GetServers lists identity and placement only: CPU, memory and disks stay empty until an RVTools or discovery import fills them.');
    return { kind: 'sms-json', files: [file!.path], servers, skipped, warnings };
  },
};
