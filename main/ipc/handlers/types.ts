import type { ChannelName, ChannelParsedArgs, ChannelResult } from '../../common/ipc/contract';

export type Handler<K extends ChannelName> = (args: ChannelParsedArgs<K>) => Promise<ChannelResult<K>> | ChannelResult<K>;
export type Handlers = { [K in ChannelName]: Handler<K> };
export type HandlersFor<Table> = { [K in keyof Table & ChannelName]: Handler<K> };

/** Shell-specific capabilities the handlers need (native dialogs exist only in Electron). */
export interface ShellCapabilities {
  pickFiles?(opts: ChannelParsedArgs<'files.pick'>): Promise<string[]>;
}
