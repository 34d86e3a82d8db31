import type { Command } from 'commander';
import { loadConfig } from '../config';
import { openRuntime } from '../runtime';

export function registerSlaCommands(program: Command): void {
  const sla = program.command('sla').description('SLA clocks');
  sla.command('recompute').description('recompute every SLA clock from the conversations\' event logs (after a policy or business-hours change)')
    .option('--brand <slug>', 'only this brand')
    .action(async (o: { brand?: string }) => {
      const rt = await openRuntime(loadConfig(), { quiet: true, classifier: null });
      try {
        let brandId: string | undefined;
        if (o.brand) {
          const b = await rt.core.admin.findBrandBySlug(o.brand);
          if (!b) throw new Error(`no brand with slug ${o.brand}`);
          brandId = b.id;
        }
        const r = await rt.core.sla.recompute(brandId);
        process.stdout.write(`${JSON.stringify({ brand: o.brand ?? null, ...r })}\n`);
      } finally {
        await rt.core.close();
      }
    });
}
