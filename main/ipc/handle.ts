import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { channels, IPC_PREFIX } from '../common/ipc/contract';
import { dispatch } from './dispatch';
import { isTrustedSender } from './trusted-sender';
import type { Handlers } from './handlers/types';
import type { Logger } from '../platform/logger';

/**
 * The only user of ipcMain. Every channel is registered under the `mwb:` prefix; a call is
 * answered only when it comes from our own top frame (file:// page we loaded), and its
 * arguments are parsed with the contract's zod schema before the handler runs.
 */
export function registerIpc(handlers: Handlers, logger: Logger, appOrigin: string): () => void {
  const names = Object.keys(channels);
  for (const name of names) {
    ipcMain.handle(IPC_PREFIX + name, async (event: IpcMainInvokeEvent, args: unknown) => {
      const frame = event.senderFrame;
      if (!isTrustedSender({ frameUrl: frame?.url, isMainFrame: !!frame && frame === event.sender.mainFrame }, appOrigin)) {
        logger.warn('refused IPC from untrusted sender', { channel: name });
        return { ok: false, error: { code: 'unauthorized', message: 'Untrusted sender.' } };
      }
      return dispatch(handlers, name, args, logger);
    });
  }
  return () => names.forEach((n) => ipcMain.removeHandler(IPC_PREFIX + n));
}
