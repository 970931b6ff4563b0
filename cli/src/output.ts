// Tables for people, JSON for scripts. A table takes named columns from each row; a missing or
// null value shows as "-", nested values as compact JSON.
import type { Io } from './io';

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** Rows as aligned columns under an upper-case header; "(none)" when there are no rows. */
export function formatTable(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const table = [columns.map((column) => column.toUpperCase()), ...rows.map((row) => columns.map((column) => cell(row[column])))];
  const widths = columns.map((_, index) => Math.max(...table.map((line) => line[index]!.length)));
  return table.map((line) => line.map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index]!))).join('  ')).join('\n') + '\n';
}

/** One record as "key  value" lines. */
export function formatRecord(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  return Object.entries(record).map(([key, value]) => `${key.padEnd(width)}  ${cell(value)}`).join('\n') + '\n';
}

/** JSON under --json, else a table of `columns`. */
export function printRows(io: Io, json: boolean, rows: Record<string, unknown>[], columns: string[]): void {
  if (json) printJson(io, rows);
  else io.stdout.write(formatTable(rows, columns));
}

/** JSON under --json, else "key  value" lines. */
export function printRecord(io: Io, json: boolean, record: Record<string, unknown>): void {
  if (json) printJson(io, record);
  else io.stdout.write(formatRecord(record));
}
