import path from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { WorkbenchError } from '../common/model/errors';
import type { MgnStatus } from '../common/model/mgn';
import type { Server } from '../common/model/server';
import { emptyResponses, readSavedResponses, trackMgn, type MgnResponses } from '../common/dashboard/mgn-track';
import type { ProjectStore } from './project-store.service';
import type { DescribeJobsCommandOutput, DescribeSourceServersCommandOutput } from '@aws-sdk/client-mgn';

export interface MgnServiceDeps {
  readonly project: Pick<ProjectStore, 'document'>;
  readonly now?: () => Date;
}

export interface MgnOnlineOptions {
  readonly region: string;
  /** AWS profile of the shared config files; credentials come from the SDK's default chain and are never kept. */
  readonly profile?: string | undefined;
  /** An MGN endpoint other than the Region's (a VPC interface endpoint, or a test's fake). */
  readonly endpointUrl?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Match against these servers instead of the open project's (the CLI reads a project without opening it). */
  readonly servers?: readonly Server[] | undefined;
}

/** A saved response larger than this is refused before it is read (100,000 source servers fit in far less). */
export const MGN_FILE_MAX_BYTES = 256 * 2 ** 20;
/** Pages read per operation at most (1,000 items each): a paging loop never runs away. */
const MAX_PAGES = 200;

/**
 * AWS MGN's view of the migration (and AWS SMS's replication jobs from a saved response), matched to the open
 * project's inventory. Online it reads DescribeSourceServers and DescribeJobs with @aws-sdk/client-mgn, loaded on
 * first use so no other command pays for it; offline it reads the same responses saved as JSON files.
 */
export class MgnService {
  private last: MgnStatus | null = null;
  constructor(private readonly deps: MgnServiceDeps) {}

  /** The newest status read in this session, if any. */
  latest(): MgnStatus | null {
    return this.last;
  }

  /** Reads saved DescribeSourceServers / DescribeJobs (or SMS GetReplicationJobs) responses, one or more files. */
  async fromFiles(paths: readonly string[], servers?: readonly Server[]): Promise<MgnStatus> {
    if (paths.length === 0) throw new WorkbenchError('invalid-input', 'Choose at least one saved MGN response (a .json file).');
    const responses = emptyResponses();
    for (const p of paths) {
      const name = path.basename(p).slice(0, 200);
      let size: number;
      try {
        size = (await stat(p)).size;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new WorkbenchError(code === 'ENOENT' ? 'not-found' : 'file-io', code === 'ENOENT' ? `${name} does not exist.` : `${name} could not be read (${code ?? 'error'}).`);
      }
      if (size > MGN_FILE_MAX_BYTES) throw new WorkbenchError('import-too-large', `${name} is ${Math.round(size / 2 ** 20)} MiB; a saved MGN response is read up to ${MGN_FILE_MAX_BYTES / 2 ** 20} MiB.`);
      let value: unknown;
      try {
        value = JSON.parse(await readFile(p, 'utf8'));
      } catch (err) {
        if (err instanceof SyntaxError) throw new WorkbenchError('file-not-json', `${name} is not JSON. Save the response with \`aws mgn describe-source-servers --output json\`.`);
        throw new WorkbenchError('file-io', `${name} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
      }
      const r = readSavedResponses(value, responses);
      if (typeof r === 'string') throw new WorkbenchError('import-unrecognized', `${name} is not a saved MGN or SMS response: ${r}.`);
    }
    return this.track(responses, { kind: 'file', name: paths.map((p) => path.basename(p)).join(', ').slice(0, 500), region: null }, servers);
  }

  /** Reads MGN live: every page of DescribeSourceServers and DescribeJobs in the Region. */
  async fromAws(opts: MgnOnlineOptions): Promise<MgnStatus> {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(opts.region)) throw new WorkbenchError('invalid-input', `"${opts.region.slice(0, 40)}" is not an AWS Region code (for example eu-central-1).`);
    const { MgnClient, DescribeSourceServersCommand, DescribeJobsCommand } = await import('@aws-sdk/client-mgn');
    const client = new MgnClient({
      region: opts.region,
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
      maxAttempts: 4,
      retryMode: 'adaptive',
    });
    const responses: MgnResponses = emptyResponses();
    try {
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out: DescribeSourceServersCommandOutput = await client.send(new DescribeSourceServersCommand({ filters: {}, maxResults: 1000, ...(token ? { nextToken: token } : {}) }), { abortSignal: opts.signal });
        // Through JSON: the same checks as a saved file (and a Date, should the SDK give one, becomes its ISO string).
        const r = readSavedResponses(JSON.parse(JSON.stringify({ DescribeSourceServers: { items: out.items ?? [] } })), responses);
        if (typeof r === 'string') throw new WorkbenchError('discovery-malformed-response', `MGN answered DescribeSourceServers in a shape the workbench does not read: ${r}.`);
        token = out.nextToken || undefined;
        if (!token) break;
      }
      token = undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out: DescribeJobsCommandOutput = await client.send(new DescribeJobsCommand({ filters: {}, maxResults: 1000, ...(token ? { nextToken: token } : {}) }), { abortSignal: opts.signal });
        const r = readSavedResponses(JSON.parse(JSON.stringify({ DescribeJobs: { items: out.items ?? [] } })), responses);
        if (typeof r === 'string') throw new WorkbenchError('discovery-malformed-response', `MGN answered DescribeJobs in a shape the workbench does not read: ${r}.`);
        token = out.nextToken || undefined;
        if (!token) break;
      }
    } catch (err) {
      if (err instanceof WorkbenchError) throw err;
      throw mgnError(err, opts.region);
    } finally {
      client.destroy();
    }
    return this.track(responses, { kind: 'aws', name: opts.endpointUrl ? `MGN at ${opts.endpointUrl}` : `MGN in ${opts.region}`, region: opts.region }, opts.servers);
  }

  private track(responses: MgnResponses, source: MgnStatus['source'], servers?: readonly Server[]): MgnStatus {
    const status = trackMgn(responses, servers ?? this.deps.project.document.inventory.servers, source, (this.deps.now?.() ?? new Date()).toISOString());
    this.last = status;
    return status;
  }
}

/** An SDK failure in words: what went wrong and the fix, never credentials. */
function mgnError(err: unknown, region: string): WorkbenchError {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const name = e.name ?? 'Error';
  if (name === 'AbortError') return new WorkbenchError('cancelled', 'Reading MGN was cancelled.');
  if (name === 'CredentialsProviderError' || /credential/i.test(e.message ?? '')) return new WorkbenchError('discovery-auth-failed', 'No AWS credentials were found. Sign in (aws sso login, a profile, or environment variables) and try again.');
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || e.$metadata?.httpStatusCode === 403)
    return new WorkbenchError('discovery-auth-failed', `AWS refused the request (${name}): the credentials need mgn:DescribeSourceServers and mgn:DescribeJobs in ${region}.`);
  if (name === 'UninitializedAccountException') return new WorkbenchError('discovery-failed', `MGN is not initialized in ${region}: open the MGN console there once, or choose the Region where it is used.`);
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || name === 'TimeoutError' || e.code === 'ETIMEDOUT') return new WorkbenchError('discovery-unreachable', `MGN in ${region} could not be reached (${e.code ?? name}). Check the network, or load a saved response instead.`);
  return new WorkbenchError('discovery-failed', `MGN answered ${name}${e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}: ${(e.message ?? '').slice(0, 300)}`);
}
