import type { Command } from 'commander';

// Placeholder until the triage package lands (issue 4); replaced by the real commands.
export function registerTriageCommands(_program: Command): void {}
