import type { z } from 'zod';
import type { SerializedError } from '../model/errors';
import { appChannels } from './channels/app.channels';
import { projectChannels } from './channels/project.channels';
import { inventoryChannels } from './channels/inventory.channels';
import { verifyChannels } from './channels/verify.channels';
import { planningChannels } from './channels/planning.channels';
import { assessChannels } from './channels/assess.channels';
import { discoveryChannels } from './channels/discovery.channels';
import { replicationChannels } from './channels/replication.channels';
import { dashboardChannels } from './channels/dashboard.channels';
import type { EventName, EventPayload } from './events';

/**
 * The one contract between the renderer and main. Every transport (Electron IPC, the browser
 * shell's HTTP API) parses arguments with these schemas before a handler sees them.
 * Feature channel tables live in ./channels/*.channels.ts; adding a channel is one entry there
 * plus a handler in main/ipc/handlers.
 */
export const channels = {
  ...appChannels,
  ...projectChannels,
  ...inventoryChannels,
  ...verifyChannels,
  ...planningChannels,
  ...assessChannels,
  ...discoveryChannels,
  ...replicationChannels,
  ...dashboardChannels,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
/** What a caller passes (before zod defaults). */
export type ChannelArgs<K extends ChannelName> = z.input<Channels[K]['args']>;
/** What a handler receives (after zod parsing). */
export type ChannelParsedArgs<K extends ChannelName> = z.output<Channels[K]['args']>;
export type ChannelResult<K extends ChannelName> = z.output<Channels[K]['result']>;

export type InvokeResponse<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** Prefix of every Electron IPC channel name; anything else is refused. */
export const IPC_PREFIX = 'mwb:';
export const EVENT_CHANNEL = 'mwb:event';

export function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(channels, name);
}

/** The object the renderer sees as `window.workbench`, whichever shell provides it. */
export interface WorkbenchApi {
  readonly shell: 'electron' | 'browser';
  invoke<K extends ChannelName>(channel: K, args: ChannelArgs<K>): Promise<InvokeResponse<ChannelResult<K>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * A path main can read for a file the user dropped or picked in the page: Electron knows the
   * real path; the browser shell uploads the file to a private temp folder first.
   */
  pathForFile(file: DroppedFile, onProgress?: (sent: number, total: number) => void): Promise<string>;
}

/** The part of a DOM File that the contract relies on (main/common has no DOM types). */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
}

export { events } from './events';
export type { EventName, EventPayload } from './events';
