/** Column alignment. */
type Align = 'left' | 'right';

/** A table: headers, rows of cells (already formatted) and optional per-column alignment. */
export interface Table {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  align?: readonly Align[];
}

function escapeMd(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * A GitHub-flavoured Markdown table.
 *
 * @example
 * ```ts
 * markdownTable({ headers: ['Model', 'Accuracy'], rows: [['KNN', '85.54%']], align: ['left', 'right'] });
 * // | Model | Accuracy |\n| :--- | ---: |\n| KNN | 85.54% |
 * ```
 */
export function markdownTable(table: Table): string {
  const { headers, rows } = table;
  const align = headers.map((_, i) => table.align?.[i] ?? 'left');
  const line = (cells: readonly string[]) =>
    `| ${headers.map((_, i) => escapeMd(cells[i] ?? '')).join(' | ')} |`;
  const sep = `| ${align.map((a) => (a === 'right' ? '---:' : ':---')).join(' | ')} |`;
  return [line(headers), sep, ...rows.map(line)].join('\n');
}

/** Display width of a string (code points; good enough for the Latin text these tables hold). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, a: Align): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return a === 'right' ? fill + s : s + fill;
}

/**
 * A plain-text table for terminals, boxed with Unicode line characters.
 *
 * @example
 * ```ts
 * console.log(terminalTable({ headers: ['Model', 'Accuracy'], rows: [['KNN', '85.54%']] }));
 * ```
 */
export function terminalTable(
  table: Table,
  options: { title?: string; maxColumnWidth?: number } = {},
): string {
  const max = options.maxColumnWidth ?? Number.POSITIVE_INFINITY;
  const cut = (s: string) => ([...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s);
  const headers = table.headers.map(cut);
  const rows = table.rows.map((r) => r.map(cut));
  const align = headers.map((_, i) => table.align?.[i] ?? 'left');
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const rule = (l: string, m: string, r: string) =>
    `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const line = (cells: readonly string[], header = false) =>
    `│${widths.map((w, i) => ` ${pad(cells[i] ?? '', w, header ? 'left' : align[i]!)} `).join('│')}│`;
  const out = [rule('┌', '┬', '┐'), line(headers, true), rule('├', '┼', '┤')];
  for (const r of rows) out.push(line(r));
  out.push(rule('└', '┴', '┘'));
  if (options.title) out.unshift(options.title);
  return out.join('\n');
}
