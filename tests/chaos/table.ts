/** Print the last chaos run's results as a Markdown table (attack, expected, observed). */
import { readRows } from './chaos-log.ts';

const rows = readRows();
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
process.stdout.write('| attack | expected | observed |\n|---|---|---|\n');
for (const row of rows) process.stdout.write(`| ${cell(row.attack)} | ${cell(row.expected)} | ${row.passed ? '' : 'FAILED: '}${cell(row.observed)} |\n`);
process.stdout.write(`\n${rows.filter((row) => row.passed).length} of ${rows.length} as expected\n`);
