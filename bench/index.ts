// `npm run bench -- <name> [args]` runs bench/<name>.bench.ts. Benchmarks print their setup and a
// baseline measured in the same run; they are never part of `npm test`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './support/args';

const [name, ...args] = process.argv.slice(2);
const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, ''));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [options]`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(`./${name}.bench.ts`)) as { default: (argv: string[]) => Promise<void> };
try {
  await mod.default(args);
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`${name}: ${e.message}`);
  process.exit(2);
}
