import { ipcRenderer, webUtils } from 'electron';
import { EVENT_CHANNEL, IPC_PREFIX, type WorkbenchApi } from '../main/common/ipc/contract';
import type { EventName } from '../main/common/ipc/events';

/** The only user of ipcRenderer: builds `window.workbench` for the Electron shell. */
export function createElectronApi(): WorkbenchApi {
  return {
    shell: 'electron',
    invoke: (channel, args) => ipcRenderer.invoke(IPC_PREFIX + channel, args),
    on(event, listener) {
      const wrapped = (_e: unknown, msg: { event: EventName; payload: unknown }) => {
        if (msg && msg.event === event) (listener as (p: unknown) => void)(msg.payload);
      };
      ipcRenderer.on(EVENT_CHANNEL, wrapped);
      return () => {
        ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
      };
    },
    pathForFile: (file) => Promise.resolve(webUtils.getPathForFile(file as File)),
  };
}
