import type { WorkbenchApi } from '../main/common/ipc/contract';

declare global {
  interface Window {
    /** Provided by preload (Electron) or by renderer/ipc/http-client.ts (browser shell). */
    workbench?: WorkbenchApi;
  }
}
export {};
