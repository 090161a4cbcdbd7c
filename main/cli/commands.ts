import type { CommandModule } from './context';
import { registerVerify } from './verify.command';
import { registerImport } from './import.command';
import { registerExport } from './export.command';
import { registerDisk } from './disk.command';

/** Feature commands (import, verify, export…); each feature adds its module here. */
export const cliCommands: CommandModule[] = [registerImport, registerVerify, registerExport, registerDisk];
