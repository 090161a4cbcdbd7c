import type { CommandModule } from './context';
import { registerVerify } from './verify.command';

/** Feature commands (import, verify, export…); each feature adds its module here. */
export const cliCommands: CommandModule[] = [registerVerify];
