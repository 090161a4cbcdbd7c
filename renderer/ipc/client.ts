import type { ChannelArgs, ChannelName, ChannelResult, DroppedFile, WorkbenchApi } from '../../main/common/ipc/contract';
import type { EventName, EventPayload } from '../../main/common/ipc/events';
import type { SerializedError, WorkbenchErrorCode } from '../../main/common/model/errors';

/** The only reader of `window.workbench`. Slices call these functions; components never do. */
function api(): WorkbenchApi {
  const wb = window.workbench;
  if (!wb) throw new ClientError({ code: 'unauthorized', message: 'Not connected to the workbench service. Open the URL printed by `mwb serve`.' });
  return wb;
}

export class ClientError extends Error {
  readonly code: WorkbenchErrorCode;
  readonly details: unknown;
  constructor(e: SerializedError) {
    super(e.message);
    this.code = e.code;
    this.details = e.details;
  }
}

export function isConnected(): boolean {
  return window.workbench !== undefined;
}

export function shellKind(): 'electron' | 'browser' {
  return api().shell;
}

export async function invoke<K extends ChannelName>(channel: K, args: ChannelArgs<K>): Promise<ChannelResult<K>> {
  const res = await api().invoke(channel, args);
  if (!res.ok) throw new ClientError(res.error);
  return res.value;
}

export function onEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return api().on(event, listener);
}

export function pathForFile(file: DroppedFile, onProgress?: (sent: number, total: number) => void): Promise<string> {
  return api().pathForFile(file, onProgress);
}
