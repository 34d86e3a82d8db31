import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerTriageCommands } from '../../../apps/server/src/commands/triage.command';
import { binaryF1, classificationReport, evaluate, shouldPromote, trainModel, type EvalReport } from '../src/index';
import { syntheticRows } from './fixtures';

describe('metrics', () => {
  it('computes accuracy, per-class scores, macro-F1 and the confusion matrix', () => {
    const r = classificationReport(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b'], ['a', 'b']);
    expect(r.accuracy).toBe(0.75);
    expect(r.perClass.a).toEqual({ precision: 1, recall: 0.5, f1: 0.6667, support: 2 });
    expect(r.macroF1).toBeCloseTo((0.6667 + 0.8) / 2, 3);
    expect(r.confusion).toEqual({ labels: ['a', 'b'], matrix: [[1, 1], [0, 2]] });
    expect(binaryF1([true, true, false], [true, false, true])).toBe(0.5);
  });
});

describe('evaluate', () => {
  const rows = syntheticRows(400);
  const model = trainModel(rows, { seed: 5 });

  it('reports the eval JSON shape', () => {
    const report = evaluate(model, rows.slice(0, 40), { minTimingMs: 1 });
    expect(Object.keys(report).sort()).toEqual(
      ['accuracy', 'confusion', 'macro_f1', 'msgs_per_s', 'n', 'needs_response_f1', 'per_class', 'reason_accuracy', 'reason_macro_f1'].sort(),
    );
    expect(report.n).toBe(40);
    expect(report.accuracy).toBeGreaterThan(0.9);
    expect(report.reason_accuracy).not.toBeNull();
    expect(report.msgs_per_s).toBeGreaterThan(0);
  });

  it('promotes a retrained model only if it is not worse on the same slice', () => {
    const current: EvalReport = evaluate(model, rows.slice(0, 40), { minTimingMs: 1 });
    expect(shouldPromote({ ...current, accuracy: current.accuracy + 0.01 }, current)).toBe(true);
    expect(shouldPromote({ ...current, macro_f1: current.macro_f1 - 0.05 }, current)).toBe(false);
    expect(shouldPromote({ ...current, reason_accuracy: null }, current)).toBe(false);
    expect(shouldPromote({ ...current, n: current.n + 1 }, current)).toBe(false);
  });
});

describe('earshot triage train / eval', () => {
  it('trains from a CSV and prints one JSON object for an unseen CSV with quoted newlines and empty reasons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-triage-'));
    const header = 'id,text,sentiment,negative_reason,airline,created_at';
    const train = syntheticRows(300).map((r, i) => `${i},"${r.text}",${r.sentiment},${r.reason ?? ''},United,2015-02-24T11:35:52-08:00`);
    writeFileSync(join(dir, 'train.csv'), [header, ...train].join('\n'));
    const unseen = [
      header,
      '1,"@united my flight was cancelled,\nand nobody helped",negative,Cancelled Flight,United,2015-02-24T11:35:52-08:00',
      '2,"@united you lost my bag ""again""",negative,,United,2015-02-24T11:35:52-08:00',
      '3,@JetBlue thanks great crew,positive,,Delta,2015-02-24T11:35:52-08:00',
      '4,@united what time does boarding start?,neutral,,United,2015-02-24T11:35:52-08:00',
    ].join('\n');
    writeFileSync(join(dir, 'unseen.csv'), unseen);

    const run = async (...args: string[]): Promise<string> => {
      const program = new Command().exitOverride();
      registerTriageCommands(program);
      let out = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
      });
      try {
        await program.parseAsync(['node', 'earshot', ...args]);
      } finally {
        spy.mockRestore();
      }
      return out;
    };
    await run('triage', 'train', '--data', join(dir, 'train.csv'), '--out', join(dir, 'model.json'));
    const out = await run('triage', 'eval', '--data', join(dir, 'unseen.csv'), '--model', join(dir, 'model.json'), '--json');
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] as string) as EvalReport;
    expect(report.n).toBe(4);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(report.reason_accuracy).toBe(1);
    expect(process.exitCode ?? 0).toBe(0);
  });
});
