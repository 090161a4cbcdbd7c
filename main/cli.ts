import { Command, CommanderError } from 'commander';
import { APP_VERSION } from './platform/version';
import { cliCommands } from './cli/commands';
import { EXIT } from './cli/context';

/** `mwb`: the workbench's services from the command line. Each command's code loads when it runs (cli/commands.ts). */
export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('mwb')
    .description('Migration Workbench: discover, assess, verify, plan and hand off server migrations to AWS')
    .version(APP_VERSION, '-v, --version', 'print the version')
    .showHelpAfterError('(run mwb --help for usage)')
    .exitOverride();
  for (const register of cliCommands) register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    process.stderr.write(`mwb: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}

/**
 * The process entry: `bin/mwb.mjs` (what `mwb` runs, over the bundle) and `node main/cli.ts` both come here, so
 * that the process set-up below holds for either. Exits with the command's code.
 */
export async function runCliProcess(argv: string[]): Promise<void> {
  // The AWS SDK warns on every client under Node < 22 that its releases after January 2027 will need Node 22. The
  // version in package-lock.json supports this Node; the notice is for the SDK's users, not for a consultant, and it
  // broke up the CLI's output (the replication worker is started with the same setting, engine/job.ts).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // `mwb ... | head` closes the pipe early: stop quietly, as Unix tools do, instead of an unhandled EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(EXIT.ok);
      throw err;
    });
  }
  const code = await runCli(argv);
  if (code !== EXIT.ok) process.exit(code);
}

if (process.argv[1] !== undefined && /cli\.(m?js|ts)$/.test(process.argv[1])) void runCliProcess(process.argv.slice(2));
