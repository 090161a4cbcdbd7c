import { createNodeServices } from '../shell/node-runtime';
import { consoleLogger } from '../platform/logger';
import { isWorkbenchError } from '../common/model/errors';
import type { MgnStatus, MgnTrackedServer } from '../common/model/mgn';
import { MATCH_LABEL, awsStateLabel } from '../common/dashboard/mgn-labels';
import { EXIT, abortOnCtrlC } from './context';

interface MgnStatusCliOptions {
  project: string;
  fromJson: string[];
  region?: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
}

const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;

function row(s: MgnTrackedServer): string {
  const pct = s.totalBytes ? ` ${Math.floor((s.replicatedBytes / s.totalBytes) * 100)}% of ${gib(s.totalBytes)}` : '';
  const inv = s.serverName ? `${s.serverName} (${MATCH_LABEL[s.match]})` : MATCH_LABEL[s.match];
  const job = s.lastJob ? `  last ${awsStateLabel(s.lastJob.kind)} ${awsStateLabel(s.lastJob.status)}${s.lastJob.amiId ? ` ${s.lastJob.amiId}` : ''}` : '';
  return `  ${s.service.toUpperCase()} ${s.id}  ${s.name}  → ${inv}  ${awsStateLabel(s.lifeCycle)}, ${awsStateLabel(s.replicationState)}${pct}${job}${s.error ? `  ERROR ${s.error}` : ''}`;
}

export function mgnStatusText(st: MgnStatus): string {
  const lines = [`${st.source.name}: ${st.servers.length} source servers, ${st.matched} matched to the inventory, ${st.unmatched} not matched; ${st.jobs.length} jobs`];
  for (const s of st.servers) lines.push(row(s));
  return lines.join('\n') + '\n';
}

/** `mwb mgn status --project P (--from-json F… | --region R) [--json]`: AWS MGN's servers matched to the inventory (read only). */
export async function mgnStatusCommand(o: MgnStatusCliOptions): Promise<number> {
  const usage = (msg: string) => {
    process.stderr.write(`mwb mgn status: ${msg}\n`);
    return EXIT.usage;
  };
  if (o.fromJson.length === 0 && !o.region) return usage('give --from-json FILE (saved DescribeSourceServers / DescribeJobs responses) or --region R to read MGN online');
  if (o.fromJson.length > 0 && o.region) return usage('give either --from-json or --region, not both');
  if (o.endpointUrl !== undefined && !/^https?:\/\/\S+$/.test(o.endpointUrl)) return usage('--endpoint-url must be an http(s) URL');
  const services = createNodeServices({ shell: 'browser', logger: consoleLogger('mwb', true) });
  const ac = new AbortController();
  const ctrlC = abortOnCtrlC(ac);
  try {
    const { document } = await services.project.readProject(o.project);
    const servers = document.inventory.servers;
    const st = o.fromJson.length
      ? await services.mgn.fromFiles(o.fromJson, servers)
      : await services.mgn.fromAws({ region: o.region!, profile: o.profile, endpointUrl: o.endpointUrl, signal: ac.signal, servers });
    process.stdout.write(o.json ? JSON.stringify(st, null, 2) + '\n' : mgnStatusText(st));
    return EXIT.ok;
  } catch (err) {
    if (ctrlC.interrupted) {
      process.stderr.write('mwb mgn status: interrupted\n');
      return EXIT.interrupted;
    }
    process.stderr.write(`mwb mgn status: ${err instanceof Error ? err.message : String(err)}\n`);
    return isWorkbenchError(err, 'invalid-input') ? EXIT.usage : EXIT.failed;
  } finally {
    ctrlC.dispose();
    await services.dispose();
  }
}

export async function mgnStatusAction(o: MgnStatusCliOptions): Promise<void> {
  process.exitCode = await mgnStatusCommand(o);
}
