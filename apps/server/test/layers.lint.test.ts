import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules in eslint.config.js, checked against code that breaks them (and code that does
// not), as `npm run lint` would see it at these paths. A rule removed or loosened fails here.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('layer rules (npm run lint)', () => {
  it('a route may not run SQL, reach the database through core, or import a repository', async () => {
    const route = 'apps/server/src/routes/probe.routes.ts';
    expect(await problems(route, "import { sql } from '@earshot/db';\nexport const q = sql`select 1`;\n")).toEqual([expect.stringContaining('no-restricted-imports')]);
    expect(await problems(route, "import { listAudit } from '../../../../packages/core/src/audit/audit.repository';\nexport const f = listAudit;\n")).toEqual([expect.stringContaining('no-restricted-imports')]);
    expect(await problems(route, "export const f = (core: { db: unknown }) => core.db;\n")).toEqual([expect.stringContaining('no-restricted-syntax')]);
    expect(await problems('apps/server/src/http/probe.ts', "export class M { constructor(private readonly core: { db: unknown }) {} q() { return this.core.db; } }\n")).toEqual([expect.stringContaining('no-restricted-syntax')]);
    // What routes do: call services on core.
    expect(await problems(route, "export const f = (core: { audit: { verify(id: string): unknown } }) => core.audit.verify('b');\n")).toEqual([]);
  });

  it('packages/domain imports nothing of ours, and no database, HTTP or Node API', async () => {
    const file = 'packages/domain/src/probe.ts';
    expect(await problems(file, "import { Core } from '@earshot/core';\nexport const C = Core;\n")).toEqual([expect.stringContaining('no-restricted-imports')]);
    expect(await problems(file, "import { sql } from 'kysely';\nexport const s = sql;\n")).toEqual([expect.stringContaining('no-restricted-imports')]);
    expect(await problems(file, "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual([expect.stringContaining('no-restricted-imports')]);
    expect(await problems(file, "import { z } from 'zod';\nimport { DESK_EVENT_TYPES } from './events';\nexport const s = z.enum(DESK_EVENT_TYPES);\n")).toEqual([]);
  });
});
