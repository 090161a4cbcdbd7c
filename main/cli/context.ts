import type { Command } from 'commander';

/** A CLI command module: registers its subcommand(s) on the program. */
export type CommandModule = (program: Command) => void;

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
