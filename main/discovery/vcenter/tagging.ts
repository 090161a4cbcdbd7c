import { z } from 'zod';
import { throwIfAborted } from '../../common/util/cancel';
import { DiscoveryError, excerpt, malformed } from '../errors';
import type { HttpAnswer, SoapTransport } from './transport';
import { pool } from '../../common/util/pool';

/** One vSphere tag attached to a VM: its category's name and its own. */
export interface VcTag {
  category: string;
  name: string;
}

export interface TaggingResult {
  /** VM MoRef → its tags (sorted by category, then name). */
  byMoref: Map<string, VcTag[]>;
  warnings: string[];
}

const MAX_JSON = 64 * 1024 * 1024;
const SESSION_HEADER = 'vmware-api-session-id';

// Answers are checked with zod; unknown fields are allowed (later vCenters add some).
const Id = z.string().min(1).max(1024);
const Tag = z.object({ id: Id, name: z.string().max(4096), category_id: Id });
const Category = z.object({ id: Id, name: z.string().max(4096) });
const Attached = z.array(z.object({ tag_id: Id, object_ids: z.array(z.object({ type: z.string().max(256), id: z.string().max(1024) })).nullish().transform((v) => v ?? []) })).max(1_000_000);
const Ids = z.array(Id).max(1_000_000);

/**
 * The two spellings of vCenter's tagging API. `/rest/com/vmware/cis/…` (vCenter 6.5 to 8) wraps every answer in
 * `{ value }` and names an action `~action=`; `/api/cis/tagging/…` (vCenter 7.0 U2 and later) answers the bare JSON,
 * names an action `action=`, and its session is `/api/session` (201 with the id as a JSON string).
 */
interface TaggingApi {
  name: '/rest' | '/api';
  session: string;
  tags: string;
  tag(id: string): string;
  category(id: string): string;
  attached: string;
  sessionAnswer: z.ZodType<string>;
  ids: z.ZodType<string[]>;
  tag_: z.ZodType<z.infer<typeof Tag>>;
  category_: z.ZodType<z.infer<typeof Category>>;
  attached_: z.ZodType<z.infer<typeof Attached>>;
}

// vcsim leaves `value` out of an empty /rest list (Go's omitempty); vCenter sends [].
function value<T>(inner: z.ZodType<T>): z.ZodType<T> {
  return z.object({ value: inner }).transform((v) => v.value as T);
}
function valueList<T>(inner: z.ZodType<T[]>): z.ZodType<T[]> {
  return z.object({ value: inner.nullish() }).transform((v) => (v.value ?? []) as T[]);
}

export const REST_API: TaggingApi = {
  name: '/rest',
  session: '/rest/com/vmware/cis/session',
  tags: '/rest/com/vmware/cis/tagging/tag',
  tag: (id) => `/rest/com/vmware/cis/tagging/tag/id:${encodeURIComponent(id)}`,
  category: (id) => `/rest/com/vmware/cis/tagging/category/id:${encodeURIComponent(id)}`,
  attached: '/rest/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags',
  sessionAnswer: value(z.string().min(1).max(4096)),
  ids: valueList(Ids),
  tag_: value(Tag),
  category_: value(Category),
  attached_: valueList(Attached),
};

export const JSON_API: TaggingApi = {
  name: '/api',
  session: '/api/session',
  tags: '/api/cis/tagging/tag',
  tag: (id) => `/api/cis/tagging/tag/${encodeURIComponent(id)}`,
  category: (id) => `/api/cis/tagging/category/${encodeURIComponent(id)}`,
  attached: '/api/cis/tagging/tag-association?action=list-attached-objects-on-tags',
  sessionAnswer: z.string().min(1).max(4096),
  ids: Ids,
  tag_: Tag,
  category_: Category,
  attached_: Attached,
};

/** What readTags needs of the transport: requests to the vCenter's own host and port. */
export type TaggingHttp = Pick<SoapTransport, 'request' | 'host'>;

/** Parses a JSON answer with its schema; anything else is a typed `discovery-malformed-response` naming what was read. */
export function parseRest<T>(schema: z.ZodType<T>, body: string, what: string): T {
  if (body.length > MAX_JSON) throw malformed(`the ${what} answer is larger than ${MAX_JSON / 1024 / 1024} MiB`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw malformed(`the ${what} answer is not JSON (${excerpt(body, 60) || 'empty'})`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw malformed(`the ${what} answer has an unexpected shape (${issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'unknown'})`);
  }
  return r.data;
}

/** HTTP statuses that say "this spelling of the API is not served here": the other one is tried. */
const NOT_SERVED = new Set([404, 410, 501]);

/**
 * Reads the vSphere tags of VMs through vCenter's tagging API next to /sdk: `/rest/com/vmware/cis/…` first (vCenter
 * 6.5 to 8), and where that is not served (404), `/api/cis/tagging/…` (vCenter 7.0 U2 and later): a session (basic
 * authentication, once), every tag and its category, then the objects attached to the tags
 * (`list-attached-objects-on-tags`, 100 tags a call), and the session is deleted. A server without the tagging
 * service (an ESXi host answers 404 to both) or that refuses the login gives a warning, never a failure.
 */
export async function readTags(http: TaggingHttp, o: { user: string; password: string; vmMorefs: ReadonlySet<string>; signal?: AbortSignal; parallel?: number }): Promise<TaggingResult> {
  const result: TaggingResult = { byMoref: new Map(), warnings: [] };
  const basic = `Basic ${Buffer.from(`${o.user}:${o.password}`, 'utf8').toString('base64')}`;
  let api = REST_API;
  let login: HttpAnswer;
  const statuses: string[] = [];
  try {
    login = await http.request('POST', api.session, { Authorization: basic, Accept: 'application/json' });
    if (NOT_SERVED.has(login.status)) {
      statuses.push(`${login.status} at /rest`);
      api = JSON_API;
      login = await http.request('POST', api.session, { Authorization: basic, Accept: 'application/json' });
    }
  } catch (e) {
    if (o.signal?.aborted) throw e;
    result.warnings.push(`vSphere tags were not read: the tagging service did not answer (${e instanceof Error ? excerpt(e.message, 120) : 'error'}).`);
    return result;
  }
  if (NOT_SERVED.has(login.status) || login.status === 503) {
    statuses.push(`${login.status}${api === JSON_API ? ' at /api' : ''}`);
    result.warnings.push(`vSphere tags were not read: ${http.host} has no tagging service (HTTP ${statuses.join(', ')}; an ESXi host has none). Custom attributes were read.`);
    return result;
  }
  if (login.status === 401 || login.status === 403) {
    result.warnings.push('vSphere tags were not read: the tagging service refused the login (the user needs to sign in to vCenter Single Sign-On).');
    return result;
  }
  if (login.status !== 200 && login.status !== 201) {
    result.warnings.push(`vSphere tags were not read: the tagging service answered HTTP ${login.status}.`);
    return result;
  }
  let session: string;
  try {
    session = parseRest(api.sessionAnswer, login.body, 'tagging session');
  } catch (e) {
    result.warnings.push(`vSphere tags were not read: ${e instanceof Error ? excerpt(e.message, 200) : 'error'}`);
    return result;
  }
  const headers = { [SESSION_HEADER]: session, Accept: 'application/json' };
  const get = async <T>(schema: z.ZodType<T>, path: string, what: string, method: 'GET' | 'POST' = 'GET', body?: unknown): Promise<T | undefined> => {
    throwIfAborted(o.signal, 'Discovery cancelled; the project is unchanged.');
    const a = await http.request(method, path, body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' }, body === undefined ? '' : JSON.stringify(body));
    if (a.status === 404) return undefined; // deleted between the list and the read
    if (a.status === 401 || a.status === 403) throw new DiscoveryError('discovery-auth-failed', `The tagging service refused to list ${what} (HTTP ${a.status}).`);
    if (a.status !== 200) throw new DiscoveryError('discovery-failed', `The tagging service answered HTTP ${a.status} to the ${what} request.`, { status: a.status });
    return parseRest(schema, a.body, what);
  };
  const parallel = o.parallel ?? 4;
  try {
    const tagIds = (await get(api.ids, api.tags, 'tags')) ?? [];
    if (tagIds.length > 20_000) throw malformed(`the server lists ${tagIds.length} tags, more than the 20,000 read`);
    if (!tagIds.length) return result;
    const tags = (await pool(tagIds, parallel, (id) => get(api.tag_, api.tag(id), 'tag'))).flatMap((t) => (t ? [t] : []));
    const categoryIds = [...new Set(tags.map((t) => t.category_id))];
    const categories = new Map((await pool(categoryIds, parallel, (id) => get(api.category_, api.category(id), 'category'))).flatMap((c) => (c ? [[c.id, c.name] as const] : [])));
    const tagById = new Map(tags.map((t) => [t.id, { category: categories.get(t.category_id) ?? t.category_id, name: t.name }]));
    const ids = [...tagById.keys()];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const attached = await get(api.attached_, api.attached, 'tag associations', 'POST', { tag_ids: chunk });
      for (const a of attached ?? []) {
        const tag = tagById.get(a.tag_id);
        if (!tag) continue;
        for (const obj of a.object_ids) {
          if (obj.type !== 'VirtualMachine' || !o.vmMorefs.has(obj.id)) continue;
          const list = result.byMoref.get(obj.id) ?? [];
          if (!list.some((t) => t.category === tag.category && t.name === tag.name)) list.push(tag);
          result.byMoref.set(obj.id, list);
        }
      }
    }
    for (const list of result.byMoref.values()) list.sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));
  } catch (e) {
    if (o.signal?.aborted) throw e;
    result.byMoref.clear();
    result.warnings.push(`vSphere tags were not read: ${e instanceof Error ? excerpt(e.message, 200) : 'error'}`);
  } finally {
    await http.request('DELETE', api.session, headers).catch(() => undefined);
  }
  return result;
}
