import { channels, isChannelName, type ChannelName, type InvokeResponse } from '../common/ipc/contract';
import { serializeError, WorkbenchError } from '../common/model/errors';
import type { Handlers } from './handlers/types';
import type { Logger } from '../platform/logger';

/** Formats zod issues as one readable sentence per problem. */
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : 'arguments'}: ${i.message}`)
    .join('; ');
}

/**
 * The single entry for every transport: refuses unknown channels, parses arguments with the
 * contract's zod schema, runs the handler and turns any failure into a typed error.
 */
export async function dispatch(handlers: Handlers, name: string, rawArgs: unknown, logger?: Logger): Promise<InvokeResponse<unknown>> {
  if (!isChannelName(name)) {
    return { ok: false, error: { code: 'not-found', message: `Unknown channel "${name}".` } };
  }
  const parsed = channels[name].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid-input', message: `Invalid arguments for ${name}: ${describeIssues(parsed.error.issues)}` } };
  }
  try {
    const handler = handlers[name] as (args: unknown) => unknown;
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (err) {
    if (!(err instanceof WorkbenchError)) logger?.error('handler failed', { channel: name as ChannelName, error: String(err) });
    return { ok: false, error: serializeError(err) };
  }
}
