#!/usr/bin/env node
// The `earshot` command: runs the TypeScript CLI through tsx, so the repository needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
