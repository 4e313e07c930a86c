import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent } from './format.js';
import { markdownTable, terminalTable } from './table.js';

describe('markdownTable', () => {
  it('writes a GFM table with alignment and escapes pipes', () => {
    const md = markdownTable({
      headers: ['Model', 'Accuracy'],
      rows: [
        ['KNN | k=5', '85.54%'],
        ['CNN', '92.00%'],
      ],
      align: ['left', 'right'],
    });
    expect(md.split('\n')).toEqual([
      '| Model | Accuracy |',
      '| :--- | ---: |',
      '| KNN \\| k=5 | 85.54% |',
      '| CNN | 92.00% |',
    ]);
  });
});

describe('terminalTable', () => {
  it('pads every line to the same width and aligns numbers right', () => {
    const t = terminalTable(
      {
        headers: ['Model', 'Acc'],
        rows: [
          ['KNN', '85.5%'],
          ['CNN', '9%'],
        ],
        align: ['left', 'right'],
      },
      { title: 'Results' },
    );
    const lines = t.split('\n');
    expect(lines[0]).toBe('Results');
    const widths = new Set(lines.slice(1).map((l) => [...l].length));
    expect(widths.size).toBe(1);
    expect(lines).toContain('│ CNN   │    9% │');
    expect(lines[1]!.startsWith('┌')).toBe(true);
    expect(lines.at(-1)!.startsWith('└')).toBe(true);
  });

  it('cuts cells longer than maxColumnWidth with an ellipsis', () => {
    const t = terminalTable(
      { headers: ['Model', 'Details'], rows: [['KNN', 'a very long description of the run']] },
      { maxColumnWidth: 10 },
    );
    expect(t.split('\n')[3]).toBe('│ KNN   │ a very lo… │');
  });
});

describe('format', () => {
  it('formats percentages, durations and bytes', () => {
    expect(formatPercent(0.8554)).toBe('85.54%');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
    expect(formatBytes(200 * 1024 ** 2)).toBe('200.0 MiB');
  });
});
