import type { Server } from '../model/server';
import type { AssessmentAssumptions } from '../model/assessment';
import type { ServerReadiness } from './readiness';
import { VM_IMPORT_MAX_VOLUMES } from './readiness';

/** The migration strategies (the "R"s) the workbench recommends per server. */
export type Approach = 'rehost-block' | 'rehost-agentless' | 'rehost-image' | 'replatform' | 'retire' | 'retain';
export const APPROACH_LABEL: Record<Approach, string> = {
  'rehost-block': 'Rehost: block-level replication (agent, like MGN)',
  'rehost-agentless': 'Rehost: agentless snapshot replication (like MGN agentless for vCenter)',
  'rehost-image': 'Rehost: image import (like VM Import/Export, SMS)',
  replatform: 'Replatform',
  retire: 'Retire',
  retain: 'Retain on premises',
};
/** Short labels for charts and tables. */
export const APPROACH_SHORT: Record<Approach, string> = {
  'rehost-block': 'Rehost (agent)',
  'rehost-agentless': 'Rehost (agentless)',
  'rehost-image': 'Rehost (image import)',
  replatform: 'Replatform',
  retire: 'Retire',
  retain: 'Retain',
};

const PLATFORM_LABEL: Record<Server['vmManager']['type'], string> = {
  vsphere: 'on VMware vSphere',
  hyperv: 'on Hyper-V',
  azure: 'in Azure',
  libvirt: 'on KVM (libvirt)',
  virtualbox: 'on VirtualBox',
  'vmware-workstation': 'on VMware Workstation',
  physical: 'a physical server',
  unknown: 'on an unknown platform',
};

export interface ApproachRecommendation {
  approach: Approach;
  reasons: string[];
}

/** Approaches that land the server on EC2, so count in the cost. */
export function movesToEc2(a: Approach): boolean {
  return a === 'rehost-block' || a === 'rehost-agentless' || a === 'rehost-image' || a === 'replatform';
}

/**
 * The recommended approach with its reasons, by the criteria migration programs use: whether the server is used at
 * all (state, utilization), whether any AWS tool supports its OS, whether an agent may be installed, the source type
 * (image export needs a hypervisor), and the RPO (minutes needs continuous replication).
 */
export function recommendApproach(server: Server, r: ServerReadiness, a: Pick<AssessmentAssumptions, 'agentAllowed' | 'rpo' | 'idleCpuPct'>): ApproachRecommendation {
  if (server.state.template) return { approach: 'retire', reasons: ['A template, not a running server: rebuild images on EC2 instead.'] };
  if (server.state.power === 'poweredOff') return { approach: 'retire', reasons: ['Powered off in the inventory: confirm with the owner that it is no longer needed.'] };
  const u = server.utilization;
  // Idle means idle at its busiest: the peak, else the p95. An average alone (RVTools' and vCenter's quick stats are
  // one reading at export or discovery time) says nothing about the busiest hour, so it never retires a server.
  const peak = u?.cpuMaxPct ?? u?.cpuP95Pct;
  const which = u?.cpuMaxPct !== undefined ? 'peak' : 'p95';
  if (peak !== undefined && peak < a.idleCpuPct) return { approach: 'retire', reasons: [`CPU ${which} ${peak}% is below ${a.idleCpuPct}%: the server looks idle.`] };
  const lowAverage = peak === undefined && u?.cpuAvgPct !== undefined && u.cpuAvgPct < a.idleCpuPct
    ? [`CPU average ${u.cpuAvgPct}% is below ${a.idleCpuPct}%, but an average alone does not show the server idle: measure its peak (vCenter statistics or SSH sampling) before retiring it.`]
    : [];

  const osBlock = r.findings.find((f) => f.severity === 'blocker' && (f.rule === 'os-unsupported' || f.rule === 'os-legacy-windows' || f.rule === 'arch-32bit'));
  if (osBlock) {
    const portable = server.os.family === 'windows' || server.os.family === 'linux';
    return portable
      ? { approach: 'replatform', reasons: [`${osBlock.title}: rebuild the workload on a supported OS.`, ...lowAverage] }
      : { approach: 'retain', reasons: [`${osBlock.title}: no AWS migration tool moves this OS; keep it or replace the application.`, ...lowAverage] };
  }
  if (r.findings.some((f) => f.rule === 'os-legacy-windows')) return { approach: 'replatform', reasons: ['End-of-support Windows: rebuild on a supported Windows Server.', ...lowAverage] };
  const shared = r.findings.find((f) => f.rule === 'disk-shared');
  if (shared) return { approach: 'replatform', reasons: ['Shared cluster disks: the cluster storage has to be redesigned (FSx or io2 Multi-Attach).', ...lowAverage] };

  const reasons: string[] = [];
  const hypervisor = server.vmManager.type === 'vsphere' || server.vmManager.type === 'hyperv';
  const others = r.findings.filter((f) => f.severity === 'blocker').map((f) => f.title);
  const tail = [...(others.length ? [`Fix first: ${others.join('; ')}.`] : []), ...lowAverage];
  if (a.agentAllowed && r.os.mgn !== 'unsupported') {
    reasons.push('An agent may be installed: block-level replication copies the running server with minimal downtime.');
    if (a.rpo === 'minutes') reasons.push('An RPO of minutes needs continuous replication.');
    if (!hypervisor) reasons.push(`The source is ${PLATFORM_LABEL[server.vmManager.type]}: only agent-based replication reaches it.`);
    if (r.findings.some((f) => f.rule === 'disk-rdm' || f.rule === 'disk-independent')) reasons.push('RDM or independent disks are read from inside the guest.');
    return { approach: 'rehost-block', reasons: [...reasons, ...tail] };
  }
  if (!a.agentAllowed) reasons.push('No agent may be installed in the guests.');
  const imageOk = hypervisor && r.os.vmImport !== 'unsupported' && !r.findings.some((f) => f.rule === 'disk-rdm') && server.disks.length <= VM_IMPORT_MAX_VOLUMES;
  if (server.vmManager.type === 'vsphere' && (a.rpo === 'minutes' || !imageOk)) {
    reasons.push('vCenter snapshots with Changed Block Tracking replicate without an agent' + (a.rpo === 'minutes' ? ', close to the RPO of minutes.' : '.'));
    return { approach: 'rehost-agentless', reasons: [...reasons, ...tail] };
  }
  if (imageOk) {
    reasons.push(`An exported image of the ${server.vmManager.type === 'hyperv' ? 'Hyper-V' : 'VMware'} VM can be imported; the RPO is the time since the export${a.rpo === 'minutes' ? ', longer than minutes' : ''}.`);
    return { approach: 'rehost-image', reasons: [...reasons, ...tail] };
  }
  return { approach: 'retain', reasons: [...reasons, 'Without an agent, no image import or agentless replication fits this source; allow an agent or keep it.', ...lowAverage] };
}
