import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

// `npm run test:fast`: the tier to run while working. Pure packages and in-process tests on the
// embedded database only; no browser, no child processes (crash, chaos, CLI), no IMAP/SMTP
// servers, no database restarts. The full `npm test` (and CI) runs all of them, on both databases.
export const SLOW_TESTS = [
  'apps/web/test/!(*.unit).test.ts', // real Chromium
  'apps/server/test/chaos.test.ts', 'apps/server/test/crash.test.ts', 'apps/server/test/webhooks.crash.test.ts', // kill -9 of child processes
  'apps/server/test/db-restart.test.ts', // its own PostgreSQL cluster
  'apps/server/test/cli.test.ts', 'apps/server/test/import.cli.test.ts', // the CLI as a child process
  'apps/server/test/channels.email.test.ts', 'packages/core/test/channels/email.imap-smtp.test.ts', // Dovecot and SMTP
  'apps/server/test/fuzz.test.ts', // thousands of generated requests
];

export default mergeConfig(base, defineConfig({
  test: { exclude: ['**/node_modules/**', ...SLOW_TESTS] },
}));
