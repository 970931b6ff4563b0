// Tables for people, JSON for scripts. A table takes named columns from each row; a missing or
// null value shows as "-", nested values as compact JSON. Nothing a server sent reaches the
// terminal as a control character (C0, DEL, C1): a self-registered name could otherwise carry
// ANSI or OSC escapes (retitle the window, hide text, write a link) into an operator's terminal.
import type { Io } from './io';

/** C0 controls, DEL and C1 controls: what a terminal may read as an instruction. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Text with every control character removed (tabs and line breaks become spaces). */
export function printable(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(CONTROL, '');
}

/** JSON escapes C0 controls itself; DEL and C1 are escaped here, so the JSON stays exact and inert. */
export function printJson(io: Io, value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  io.stdout.write(`${text}\n`);
}

function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (typeof value === 'object') return printable(JSON.stringify(value));
  return printable(String(value));
}

/** Rows as aligned columns under an upper-case header; "(none)" when there are no rows. */
export function formatTable(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const table = [columns.map((column) => column.toUpperCase()), ...rows.map((row) => columns.map((column) => cell(row[column])))];
  const widths = columns.map((_, index) => Math.max(...table.map((line) => line[index]!.length)));
  return `${table.map((line) => line.map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index]!))).join('  ')).join('\n')}\n`;
}

/** One record as "key  value" lines. */
export function formatRecord(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  return `${Object.entries(record)
    .map(([key, value]) => `${printable(key).padEnd(width)}  ${cell(value)}`)
    .join('\n')}\n`;
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
