import { Command, CommanderError } from 'commander';
import { ConfigError } from './config';
import { registerAdminCommands } from './commands/admin.command';
import { registerServerCommands } from './commands/server.command';
import { registerTriageCommands } from './commands/triage.command';
import { registerDevCommands } from './commands/dev.command';
import { registerReplayCommands } from './commands/replay.command';
import { registerSlaCommands } from './commands/sla.command';
import { registerImportCommands } from './commands/import.command';

const program = new Command('earshot')
  .description('Earshot — the open-source social customer care desk')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerServerCommands(program);
registerAdminCommands(program);
registerImportCommands(program);
registerTriageCommands(program);
registerDevCommands(program);
registerReplayCommands(program);
registerSlaCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`earshot: ${err instanceof Error ? err.message : typeof err === "object" ? JSON.stringify(err) : String(err)}\n`);
  process.exit(1);
}
