import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { systemActor } from '@earshot/core';
import { progress } from '../progress';
import { DEMO_BRAND } from '../demo';
import { brandId, withRuntime } from './admin.command';

type Runtime = Parameters<Parameters<typeof withRuntime>[0]>[0];
type OnProgress = (p: { done: number; total: number }) => void;
interface Stored {
  rows: number;
  accepted: number;
  duplicates: number;
  skipped?: number;
  errors?: { line: number; message: string }[];
  channels?: { id: string; name: string; kind: string }[];
  channelId?: string;
}

function readInput(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the ${what} ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Stores the archive's events (progress bar), then processes them into conversations (second bar). */
async function runImport(slug: string, store: (rt: Runtime, actor: ReturnType<typeof systemActor>, onProgress: OnProgress) => Promise<Stored>): Promise<void> {
  await withRuntime(async (rt) => {
    const actor = systemActor(await brandId(rt, slug), 'cli');
    const bar = progress('Storing events');
    const r = await store(rt, actor, (p) => bar.update(p.done, p.total));
    bar.done();
    if (r.skipped) {
      process.stderr.write(`Skipped ${r.skipped} row(s) that could not be imported${(r.errors?.length ?? 0) < r.skipped ? ` (first ${r.errors?.length ?? 0} shown)` : ''}:\n`);
      for (const e of r.errors ?? []) process.stderr.write(`  line ${e.line}: ${e.message}\n`);
    }
    // Processing: the ingest job turns each stored event into a message; SLA follow-ups come after.
    const channelIds = r.channels?.map((c) => c.id) ?? (r.channelId ? [r.channelId] : []);
    const worker = rt.core.worker();
    const pending = await rt.core.imports.unprocessedEvents(channelIds);
    if (pending > 0) {
      const bar2 = progress('Processing');
      let left = pending;
      while (left > 0) {
        const n = await worker.runOnce();
        const now = await rt.core.imports.unprocessedEvents(channelIds);
        if (now !== left || n === 0) bar2.update(pending - now, pending);
        left = now;
        if (n === 0) break;
      }
      bar2.done();
    }
    const followUps = await worker.drain();
    if (followUps > 0) process.stderr.write(`Ran ${followUps} follow-up job(s) (SLA clocks, routing).\n`);
    process.stdout.write(`${JSON.stringify({
      rows: r.rows, accepted: r.accepted, duplicates: r.duplicates, skipped: r.skipped ?? 0, processed: worker.stats.processed, failed: worker.stats.failed,
      ...(r.channels ? { channels: r.channels } : {}),
    })}\n`);
  });
}

export function registerImportCommands(program: Command): void {
  const imp = program.command('import').description('import archives through the ingest pipeline (importing the same file again stores nothing twice)');

  imp.command('twcs <file>').description('import a TWCS-format CSV (Customer Support on Twitter) as conversations')
    .option('--brand <slug>', 'brand slug', DEMO_BRAND.slug)
    .action(async (file: string, o: { brand: string }) => {
      const csv = readInput(file, 'file');
      await runImport(o.brand, (rt, actor, onProgress) => rt.core.imports.importTwcs(actor, csv, onProgress));
    });

  imp.command('airline <file>').description('import the airline-sentiment CSV (Kaggle Tweets.csv or data/airline-sentiment/dev.csv): each row an inbound public X post')
    .option('--brand <slug>', 'brand slug', DEMO_BRAND.slug)
    .action(async (file: string, o: { brand: string }) => {
      const csv = readInput(file, 'file');
      await runImport(o.brand, (rt, actor, onProgress) => rt.core.imports.importAirline(actor, csv, onProgress));
    });

  for (const format of ['csv', 'json'] as const) {
    imp.command(`${format} <file>`)
      .description(format === 'csv' ? 'import any CSV with a header row, through a mapping (see docs/channels.md)' : 'import a JSON array or JSON lines file, through a mapping (see docs/channels.md)')
      .requiredOption('--map <mapping.json>', 'which column/field is id, text, createdAt, author, in-reply-to, channel kind …')
      .option('--brand <slug>', 'brand slug', DEMO_BRAND.slug)
      .action(async (file: string, o: { map: string; brand: string }) => {
        const mappingText = readInput(o.map, 'mapping');
        let mapping: unknown;
        try {
          mapping = JSON.parse(mappingText);
        } catch (err) {
          throw new Error(`the mapping ${o.map} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        const text = readInput(file, 'file');
        await runImport(o.brand, (rt, actor, onProgress) => rt.core.imports.importMapped(actor, format, text, mapping, onProgress));
      });
  }
}
