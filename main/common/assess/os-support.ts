import { z } from 'zod';
import type { Server } from '../model/server';
import { sourceArchitecture, type InstanceArch } from '../model/instance-types';

/** One entry of assets/data/aws-os-support.json (see assets/data/PROVENANCE.md). */
export const OsSupportEntrySchema = z.object({
  service: z.string(),
  versions: z.array(z.string()).nullable(),
  architectures: z.array(z.string()).nullable(),
  bootModes: z.array(z.string()).nullable(),
  notes: z.string(),
  source: z.string(),
});
export const OsSupportDataSchema = z.record(z.string(), z.array(OsSupportEntrySchema));
export type OsSupportData = z.infer<typeof OsSupportDataSchema>;

export type SupportStatus = 'supported' | 'unsupported' | 'unknown';

export interface OsIdentity {
  /** The key in the support data ("Red Hat Enterprise Linux", "Windows Server"), or null when not recognised. */
  family: string | null;
  /** The version as read from the OS string ("7", "2012 R2", "20.04"), or null. */
  version: string | null;
  text: string;
}

export interface OsSupport {
  os: OsIdentity;
  vmImport: SupportStatus;
  mgn: SupportStatus;
  /** Why, in words: what the bundled lists say. */
  vmImportDetail: string;
  mgnDetail: string;
  /** End of vendor support and not in AWS's lists for new migrations (Windows 2000/XP/2003/Vista). */
  legacyWindows: boolean;
  sources: string[];
  /** The CPU architecture the OS strings tell (32-bit, ARM, else x86_64). */
  arch: InstanceArch;
  /** Family and version for tables and charts ("Windows Server 2016", "Other", "Unknown"). */
  label: string;
}

const FAMILY_PATTERNS: Array<[RegExp, string]> = [
  [/windows\s+server|windows\s+20(0[038]|1[269]|2[25])\b|windows\s+small business/i, 'Windows Server'],
  [/windows\s+(xp|vista|7|8(\.1)?|10|11)\b/i, 'Windows client'],
  [/red\s*hat|rhel/i, 'Red Hat Enterprise Linux'],
  [/centos/i, 'CentOS'],
  [/rocky/i, 'Rocky Linux'],
  [/alma\s*linux/i, 'AlmaLinux'],
  [/oracle\s+linux|oracle\s+enterprise\s+linux/i, 'Oracle Linux'],
  [/suse|sles/i, 'SUSE Linux Enterprise Server'],
  [/ubuntu/i, 'Ubuntu'],
  [/debian/i, 'Debian'],
  [/fedora/i, 'Fedora'],
  [/amazon\s+linux/i, 'Amazon Linux'],
];

function readVersion(family: string, text: string): string | null {
  if (family === 'Windows Server') {
    const m = /\b(2000|2003|2008|2012|2016|2019|2022|2025)\b(\s*R2)?/i.exec(text);
    return m ? `${m[1]}${m[2] ? ' R2' : ''}` : null;
  }
  if (family === 'Windows client') {
    const m = /windows\s+(xp|vista|7|8\.1|8|10|11)\b/i.exec(text);
    return m ? m[1]!.toUpperCase() === 'XP' ? 'XP' : m[1]!.toLowerCase() === 'vista' ? 'Vista' : m[1]! : null;
  }
  if (family === 'Amazon Linux') {
    const m = /amazon\s+linux\s*(2023|2)\b/i.exec(text);
    return m ? m[1]! : null;
  }
  // Drop "(64-bit)", "x86_64" and the like, then take the first version-looking number.
  const cleaned = text.replace(/\((32|64)-bit\)|x86_64|x86-64|i[3-6]86|amd64|aarch64/gi, ' ');
  const m = /\b(\d{1,2}(?:\.\d{1,2})?)\b/.exec(cleaned);
  return m ? m[1]! : null;
}

/** What OS a server runs, as far as its OS strings (guest-reported first) tell. */
export function identifyOs(server: Pick<Server, 'os'>): OsIdentity {
  const text = (server.os.reported ?? server.os.configured ?? '').trim();
  for (const [re, family] of FAMILY_PATTERNS) if (re.test(text)) return { family, version: readVersion(family, text), text };
  return { family: null, version: null, text };
}

/** True when a listed version string ("7.0-7.9 (3.10.0)", "2012 R2 (Standard…)", "12.04 (3.2)") covers the version. */
function listed(versions: readonly string[], family: string, version: string): boolean {
  for (const raw of versions) {
    const v = raw.replace(/\s*\(.*$/, '').trim(); // "7.0-7.9", "2012 R2", "11 SP1", "12.04"
    if (family === 'Windows Server' || family === 'Windows client') {
      const head = v.replace(/\s+SP\d\+?$/i, '').trim();
      if (head.toLowerCase() === version.toLowerCase()) return true;
      continue;
    }
    const major = version.split('.')[0]!;
    const range = /^(\d+)(?:\.(\d+))?\s*-\s*(\d+)(?:\.(\d+))?$/.exec(v);
    if (range) {
      if (range[1] === range[3] && range[1] === major) {
        // 8.0-8.6: a major-only version is covered only in part; a minor must be in range.
        if (!version.includes('.')) return true;
        const minor = Number(version.split('.')[1]);
        return minor >= Number(range[2] ?? 0) && minor <= Number(range[4] ?? 99);
      }
      continue;
    }
    const first = /^(\d+(?:\.\d+)?)/.exec(v)?.[1];
    if (!first) continue;
    if (first === version || first.split('.')[0] === version || (family !== 'Ubuntu' && first.split('.')[0] === major)) return true;
  }
  return false;
}

function legacy(os: OsIdentity): boolean {
  if (os.family === 'Windows Server') return os.version === '2000' || os.version === '2003';
  if (os.family === 'Windows client') return os.version === 'XP' || os.version === 'Vista';
  return /windows\s+(2000|nt)\b/i.test(os.text);
}

/**
 * OS support for VM Import/Export and MGN from the bundled lists. The bundled MGN entries give families and boot
 * modes but no version list (see PROVENANCE.md): a listed family is "supported", anything finer is not claimed.
 */
export function osSupport(server: Pick<Server, 'os'>, data: OsSupportData): OsSupport {
  const os = identifyOs(server);
  const isLegacy = legacy(os);
  const arch = sourceArchitecture(server.os);
  const label = os.family ? `${os.family}${os.version ? ` ${os.version}` : ''}` : os.text ? 'Other' : 'Unknown';
  if (!os.family) {
    const what = os.text ? `"${os.text.slice(0, 80)}"` : 'an unknown OS';
    const known = /freebsd|solaris|aix|hp-ux|netware|os\/2|dos\b/i.test(os.text);
    return {
      os,
      vmImport: known ? 'unsupported' : 'unknown',
      mgn: known ? 'unsupported' : 'unknown',
      vmImportDetail: known ? `${what} is not in the VM Import/Export OS list.` : `${what}: the OS is not recognised, so support cannot be checked.`,
      mgnDetail: known ? `${what} is not in the MGN OS families.` : `${what}: the OS is not recognised.`,
      legacyWindows: isLegacy,
      sources: [],
      arch,
      label,
    };
  }
  const entries = data[os.family] ?? [];
  const vmi = entries.filter((e) => e.service.startsWith('VM Import'));
  const mgn = entries.filter((e) => e.service.includes('MGN'));
  const sources = [...new Set(entries.map((e) => e.source))];
  const name = `${os.family}${os.version ? ` ${os.version}` : ''}`;
  let vmImport: SupportStatus;
  let vmImportDetail: string;
  const versions = vmi.flatMap((e) => e.versions ?? []);
  if (!vmi.length || !versions.length) {
    vmImport = 'unknown';
    vmImportDetail = `The bundled VM Import/Export list has no ${os.family} versions.`;
  } else if (!os.version) {
    vmImport = 'unknown';
    vmImportDetail = `The OS string gives no ${os.family} version; VM Import/Export lists ${versions.length} versions.`;
  } else if (listed(versions, os.family, os.version)) {
    vmImport = 'supported';
    vmImportDetail = `${name} is in the VM Import/Export list.`;
  } else {
    const newer = Number.parseFloat(os.version) > Math.max(...versions.map((v) => Number.parseFloat(v) || 0));
    vmImport = newer ? 'unknown' : 'unsupported';
    vmImportDetail = newer
      ? `${name} is newer than the bundled VM Import/Export list (captured ${os.family === 'Windows Server' ? '2022' : 'before 2026'}); check the current page.`
      : `${name} is not in the VM Import/Export list.`;
  }
  if (os.family === 'Ubuntu' && vmImport !== 'supported' && os.version && Number.parseFloat(os.version) >= 14) {
    vmImport = 'unknown';
    vmImportDetail = `${name}: Ubuntu 14.04 and later rows were cut off in the bundled copy of the VM Import/Export list.`;
  }
  let mgnStatus: SupportStatus = mgn.length ? 'supported' : 'unknown';
  let mgnDetail = mgn.length ? `${os.family} is an MGN OS family (the version list is not bundled).` : `${os.family} is not in the bundled MGN families.`;
  if (isLegacy) {
    mgnStatus = 'unknown';
    mgnDetail = `${name} is past the end of vendor support; MGN support for it is not in the bundled data: check before you plan on it.`;
  }
  return { os, vmImport, mgn: mgnStatus, vmImportDetail, mgnDetail, legacyWindows: isLegacy, sources, arch, label };
}
