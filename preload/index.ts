import { contextBridge } from 'electron';
import { createElectronApi } from './api';

// Only this object crosses into the page: no ipcRenderer, no Node.
contextBridge.exposeInMainWorld('workbench', createElectronApi());
