import type { Command } from 'commander';

/**
 * A CLI command as the static command table holds it: `define` adds the command's name, description, arguments
 * and options (so `mwb --help` and `mwb CMD --help` are complete) and must import nothing but commander and
 * constants; the command's code is loaded by the action it sets with `lazyAction`, only when the command runs.
 */
export type CommandModule = (program: Command) => void;

/** Exit codes shared by every command (130: interrupted by Ctrl-C, as shells report SIGINT). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A commander action whose module is imported when the command runs, not at start-up. */
export function lazyAction<M, A extends unknown[]>(load: () => Promise<M>, pick: (m: M) => (...args: A) => unknown): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const mod = await load();
    await pick(mod)(...args);
  };
}

/** Ctrl-C aborts `controller` (the command stops, says so and exits 130); a second Ctrl-C exits at once. */
export function abortOnCtrlC(controller: AbortController): { readonly interrupted: boolean; dispose(): void } {
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return {
    get interrupted() {
      return interrupted;
    },
    dispose: () => void process.off('SIGINT', onSigint),
  };
}
