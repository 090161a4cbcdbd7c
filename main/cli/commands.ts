import type { CommandModule } from './context';
import { registerExport } from './export.command';

/** Feature commands (import, verify, export…); each feature adds its module here. */
export const cliCommands: CommandModule[] = [registerExport];
