import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, message, printLine, type CliContext } from './cli-context.ts';
import { describeFailure } from './describe-failure.ts';
import { UsageError, wantsHelp } from './flags.ts';
import type { CliMessageKey } from './messages.ts';

type CommandRunner = (context: CliContext, args: string[]) => Promise<number>;

interface CommandEntry {
  help: CliMessageKey;
  /** Loaded on demand so that, for example, `restore` never loads the server's dependencies. */
  load: () => Promise<CommandRunner>;
}

const commands: Record<string, CommandEntry> = {
  serve: { help: 'help.serve', load: async () => (await import('./commands/serve.ts')).runServe },
  admin: { help: 'help.admin', load: async () => (await import('./commands/admin.ts')).runAdmin },
  stores: { help: 'help.stores', load: async () => (await import('./commands/stores.ts')).runStores },
  devices: { help: 'help.devices', load: async () => (await import('./commands/devices.ts')).runDevices },
  backups: { help: 'help.backups', load: async () => (await import('./commands/backups.ts')).runBackups },
  agent: { help: 'help.agent', load: async () => (await import('./commands/agent.ts')).runAgent },
  restore: { help: 'help.restore', load: async () => (await import('./commands/restore.ts')).runRestore },
  doctor: { help: 'help.doctor', load: async () => (await import('./commands/doctor.ts')).runDoctor },
  retention: { help: 'help.retention', load: async () => (await import('./commands/retention.ts')).runRetentionCommand },
};

/** Runs `backup-sync` with `argv` (without the node and script paths) and returns the exit code. */
export async function main(argv: string[], context: CliContext): Promise<number> {
  const [name, ...args] = argv;

  if (name === undefined) {
    printLine(context.stderr, message(context, 'usage.missingCommand'));
    printLine(context.stderr, '');
    printLine(context.stderr, message(context, 'help.main'));
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    printLine(context.stdout, message(context, 'help.main'));
    return EXIT_OK;
  }

  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    printLine(context.stderr, message(context, 'usage.unknownCommand', { command: name }));
    return EXIT_USAGE;
  }
  if (wantsHelp(args)) {
    printLine(context.stdout, message(context, command.help));
    return EXIT_OK;
  }

  try {
    const run = await command.load();
    return await run(context, args);
  } catch (error) {
    if (error instanceof UsageError) {
      printLine(context.stderr, error.message);
      return EXIT_USAGE;
    }
    printLine(context.stderr, describeFailure(context, error));
    return EXIT_FAILURE;
  }
}
