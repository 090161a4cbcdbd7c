import type { CommandModule } from './context';

/** Feature commands (import, verify, export…); each feature adds its module here. */
export const cliCommands: CommandModule[] = [];
