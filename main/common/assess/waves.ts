import type { ProjectDocument } from '../model/project';
import type { Application, Wave } from '../model/planning';
import { applicationServerIds } from '../model/planning';
import { totalProvisionedMiB } from '../model/server';
import type { AssessmentResult } from './assess';
import type { Readiness } from './readiness';

/** What one wave (or the "not in a wave" lane) holds: sizes from the inventory, readiness and cost from the assessment. */
export interface WaveTotals {
  applications: number;
  servers: number;
  vcpu: number;
  memoryGiB: number;
  /** Provisioned storage of the wave's servers. */
  storageTiB: number;
  /** Servers per readiness (all zero until an assessment is given). */
  readiness: Record<Readiness, number>;
  /** EC2 estimate of the servers that move to EC2 (compute and storage), or null without an assessment. */
  monthlyUsd: number | null;
}

export interface WaveLane {
  /** null: the applications not in any wave. */
  wave: Wave | null;
  /** 1-based position in the plan (null for the unassigned lane). */
  number: number | null;
  applications: Application[];
  totals: WaveTotals;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function emptyReadiness(): Record<Readiness, number> {
  return { ready: 0, conditional: 0, 'not-ready': 0, unknown: 0 };
}

/**
 * The waves in plan order, each with its applications and totals, then the lane of applications in no wave
 * (an application naming a wave that no longer exists counts as in no wave). Pure; a server counts once, in
 * the application whose launch group holds it.
 */
export function waveLanes(doc: Pick<ProjectDocument, 'inventory' | 'planning'>, assessment?: AssessmentResult | null): WaveLane[] {
  const servers = new Map(doc.inventory.servers.map((s) => [s.id, s]));
  const assessed = assessment ? new Map(assessment.servers.map((s) => [s.serverId, s])) : null;
  const known = new Set(doc.planning.waves.map((w) => w.id));
  const byWave = new Map<string | null, Application[]>([[null, []]]);
  for (const w of doc.planning.waves) byWave.set(w.id, []);
  for (const app of doc.planning.applications) byWave.get(app.waveId && known.has(app.waveId) ? app.waveId : null)!.push(app);

  const totalsOf = (apps: Application[]): WaveTotals => {
    const t: WaveTotals = { applications: apps.length, servers: 0, vcpu: 0, memoryGiB: 0, storageTiB: 0, readiness: emptyReadiness(), monthlyUsd: assessed ? 0 : null };
    const seen = new Set<string>();
    for (const app of apps) {
      for (const id of applicationServerIds(app)) {
        const s = servers.get(id);
        if (!s || seen.has(id)) continue;
        seen.add(id);
        t.servers++;
        t.vcpu += s.cpu.vcpus;
        t.memoryGiB += s.memoryMiB / 1024;
        t.storageTiB += totalProvisionedMiB(s) / (1024 * 1024);
        const a = assessed?.get(id);
        if (a) {
          t.readiness[a.readiness]++;
          if (a.counted && t.monthlyUsd !== null) t.monthlyUsd += a.monthlyUsd;
        }
      }
    }
    t.memoryGiB = round2(t.memoryGiB);
    t.storageTiB = round2(t.storageTiB);
    if (t.monthlyUsd !== null) t.monthlyUsd = round2(t.monthlyUsd);
    return t;
  };

  const lanes: WaveLane[] = doc.planning.waves.map((wave, i) => {
    const apps = byWave.get(wave.id)!;
    return { wave, number: i + 1, applications: apps, totals: totalsOf(apps) };
  });
  const rest = byWave.get(null)!;
  lanes.push({ wave: null, number: null, applications: rest, totals: totalsOf(rest) });
  return lanes;
}

/** "12 Mar 2027 – 26 Mar 2027", "from 12 Mar 2027", "until …", or '' (dates are calendar days, shown in UTC). */
export function waveDates(wave: Pick<Wave, 'startDate' | 'endDate'>): string {
  const fmt = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  if (wave.startDate && wave.endDate) return `${fmt(wave.startDate)} – ${fmt(wave.endDate)}`;
  if (wave.startDate) return `from ${fmt(wave.startDate)}`;
  if (wave.endDate) return `until ${fmt(wave.endDate)}`;
  return '';
}

/** Where an application stands in the wave plan: its wave, the wave's number and the other applications in it. */
export function waveOfApplication(doc: Pick<ProjectDocument, 'planning'>, app: Application): { wave: Wave; number: number; of: number; others: string[] } | null {
  const i = doc.planning.waves.findIndex((w) => w.id === app.waveId);
  if (i < 0) return null;
  const others = doc.planning.applications.filter((a) => a.waveId === app.waveId && a.id !== app.id).map((a) => a.name);
  return { wave: doc.planning.waves[i]!, number: i + 1, of: doc.planning.waves.length, others };
}

/**
 * Wave names imported as free text (the `wave` tag CMF intake forms and Migration Hub files give servers) that are
 * not waves of the plan yet, in the order first seen, with the applications whose servers all carry that name.
 */
export function importedWaveNames(doc: Pick<ProjectDocument, 'inventory' | 'planning'>): Array<{ name: string; applicationIds: string[] }> {
  const existing = new Set(doc.planning.waves.map((w) => w.name.trim().toLowerCase()));
  const order: string[] = [];
  const seen = new Set<string>();
  const tagOf = new Map<string, string>();
  for (const s of doc.inventory.servers) {
    const name = s.tags.wave?.trim();
    if (!name) continue;
    tagOf.set(s.id, name);
    const key = name.toLowerCase();
    if (!seen.has(key) && !existing.has(key)) {
      seen.add(key);
      order.push(name);
    }
  }
  return order.map((name) => ({
    name,
    applicationIds: doc.planning.applications
      .filter((a) => !a.waveId)
      .filter((a) => {
        const ids = applicationServerIds(a);
        return ids.length > 0 && ids.every((id) => tagOf.get(id)?.toLowerCase() === name.toLowerCase());
      })
      .map((a) => a.id),
  }));
}
