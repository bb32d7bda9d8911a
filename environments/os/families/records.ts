/**
 * Records: a small company's CSV exports under ~/data: the staff list and quarterly sales. Questions that
 * count, sum and rank with awk, sort and cut; changes that filter and aggregate into new files.
 */
import { callStep, createRandom, seedOf, type Random } from '../../../src/toolkit/index.ts';
import { HOME, type FileTable } from '../machine.ts';
import { FIRST_NAMES, LAST_NAMES, pad, pickDistinct } from '../names.ts';
import { bashStep, type TaskDraft } from '../task.ts';
import { createTree, editTree, viewOf } from '../tree.ts';

const DATA = `${HOME}/data`;
const EMPLOYEES = `${DATA}/employees.csv`;
const DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Finance', 'Marketing', 'Operations'];
const TITLES: Record<string, string[]> = {
  Engineering: ['Software Engineer', 'Senior Engineer', 'SRE', 'QA Engineer'],
  Sales: ['Account Executive', 'Sales Manager', 'SDR'],
  Support: ['Support Agent', 'Support Lead'],
  Finance: ['Accountant', 'Controller'],
  Marketing: ['Content Lead', 'Marketing Analyst'],
  Operations: ['Office Manager', 'Logistics Planner'],
};
const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const PRODUCTS = ['desk-lamp', 'office-chair', 'standing-desk', 'monitor-arm', 'cable-tray', 'footrest', 'whiteboard'];

interface Employee {
  id: string;
  name: string;
  department: string;
  salary: number;
  line: string;
}

interface Sale {
  quarter: string;
  region: string;
  product: string;
  units: number;
}

interface RecordsWorld {
  files: FileTable;
  employees: Employee[];
  sales: Sale[];
  quarters: string[];
}

function buildWorld(seed: number): RecordsWorld {
  const random = createRandom(seed);
  const tree = createTree();
  const people = new Set<string>();
  const employees: Employee[] = [];
  const salaries = new Set<number>();
  for (let index = 0; index < random.int(28, 40); index++) {
    let name = '';
    do name = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
    while (people.has(name));
    people.add(name);
    const department = random.pick(DEPARTMENTS);
    let salary = 0;
    do salary = random.int(42, 148) * 1000 + random.pick([0, 500]);
    while (salaries.has(salary));
    salaries.add(salary);
    const id = `E${pad(1000 + index * 7 + random.int(0, 6), 4)}`;
    const start = `20${pad(random.int(14, 24))}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}`;
    employees.push({ id, name, department, salary, line: `${id},${name},${department},${random.pick(TITLES[department]!)},${salary},${start}` });
  }
  tree.file(EMPLOYEES, `id,name,department,title,salary,start_date\n${employees.map((employee) => employee.line).join('\n')}\n`, { age: 3 });
  const quarters = ['2024-Q1', '2024-Q2'];
  const sales: Sale[] = [];
  for (const quarter of quarters) {
    const rows: string[] = [];
    const firstMonth = quarter === '2024-Q1' ? 1 : 4;
    const offered = pickDistinct(random, PRODUCTS, random.int(4, 7));
    for (let index = 0; index < random.int(40, 60); index++) {
      const sale = { quarter, region: random.pick(REGIONS), product: random.pick(offered), units: random.int(1, 40) };
      sales.push(sale);
      const price = { 'desk-lamp': 39, 'office-chair': 249, 'standing-desk': 599, 'monitor-arm': 89, 'cable-tray': 25, footrest: 45, whiteboard: 129 }[sale.product]!;
      rows.push(`2024-${pad(firstMonth + random.int(0, 2))}-${pad(random.int(1, 28))},${sale.region},${sale.product},${sale.units},${price}.00`);
    }
    tree.file(`${DATA}/sales/${quarter}.csv`, `date,region,product,units,unit_price\n${rows.sort().join('\n')}\n`, { age: quarter === '2024-Q1' ? 70 : 2 });
  }
  tree.file(`${DATA}/README.txt`, 'Exports from the ERP, refreshed nightly. Sales files: one per quarter.\n', { age: 100 });
  tree.file(`${DATA}/sales/notes.md`, '# Sales\nQ3 export pending.\n', { age: 10 });
  return { files: tree.build(), employees, sales, quarters };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function totals(sales: readonly Sale[], key: (sale: Sale) => string): Map<string, number> {
  const map = new Map<string, number>();
  for (const sale of sales) map.set(key(sale), (map.get(key(sale)) ?? 0) + sale.units);
  return map;
}

function distinctValues(map: Map<string, number>): boolean {
  return new Set(map.values()).size === map.size;
}

/** The records tasks: six templates, two variants each. */
export function recordsTasks(seed: number): TaskDraft[] {
  const drafts: TaskDraft[] = [];
  for (const variant of [0, 1]) {
    const world = (template: string, accept: (world: RecordsWorld) => boolean = () => true): RecordsWorld => {
      for (let attempt = 0; ; attempt++) {
        const candidate = buildWorld(seedOf(seed, 'records', template, variant, attempt));
        if (accept(candidate)) return candidate;
      }
    };
    const pickDepartment = (random: Random, w: RecordsWorld) => random.pick(DEPARTMENTS.filter((department) => w.employees.filter((employee) => employee.department === department).length >= 3));

    {
      const w = world('count-department');
      const department = pickDepartment(createRandom(seedOf(seed, 'count-department', variant)), w);
      const value = w.employees.filter((employee) => employee.department === department).length;
      drafts.push({
        family: 'records', difficulty: 'easy', template: 'count-department', world: w.files,
        instruction: `How many employees listed in ~/data/employees.csv work in the ${department} department? Answer with the number only.`,
        inspects: [bashStep(`awk -F, '$3 == "${department}"' ~/data/employees.csv | wc -l`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const w = world('region-product-units');
      const random = createRandom(seedOf(seed, 'region-product-units', variant));
      const region = random.pick(REGIONS);
      const product = random.pick(PRODUCTS.filter((name) => w.sales.some((sale) => sale.region === region && sale.product === name)));
      const value = sum(w.sales.filter((sale) => sale.region === region && sale.product === product).map((sale) => sale.units));
      drafts.push({
        family: 'records', difficulty: 'medium', template: 'region-product-units', world: w.files,
        instruction: `How many units of ${product} were sold in the ${region} region in total, over all the quarterly files in ~/data/sales? Answer with the number only.`,
        inspects: [bashStep('head -n 3 ~/data/sales/2024-Q1.csv', 'inspect'), bashStep(`awk -F, 'FNR > 1 && $2 == "${region}" && $3 == "${product}" {s += $4} END {print s}' ~/data/sales/*.csv`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const w = world('raise-salary');
      const department = pickDepartment(createRandom(seedOf(seed, 'raise-salary', variant)), w);
      const lowest = w.employees.filter((employee) => employee.department === department).sort((a, b) => a.salary - b.salary)[0]!;
      const raise = variant === 0 ? 4000 : 2500;
      const raised = lowest.line.replace(`,${lowest.salary},`, `,${lowest.salary + raise},`);
      const edit = editTree(w.files);
      edit.write(EMPLOYEES, edit.read(EMPLOYEES).replace(`${lowest.line}\n`, `${raised}\n`));
      drafts.push({
        family: 'records', difficulty: 'medium', template: 'raise-salary', world: w.files,
        instruction: `The lowest-paid employee of the ${department} department gets a raise of ${raise}: update their salary in ~/data/employees.csv and change nothing else in the file.`,
        inspects: [bashStep(`awk -F, '$3 == "${department}"' ~/data/employees.csv | sort -t, -k5 -n | head -1`, 'inspect')],
        writes: [callStep('read_file', { path: EMPLOYEES }, 'confirm'), callStep('edit_file', { path: EMPLOYEES, old_text: `${lowest.line}\n`, new_text: `${raised}\n` }, 'write')],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `${lowest.name} now earns ${lowest.salary + raise}.`,
      });
    }
    {
      const w = world('department-file');
      const department = pickDepartment(createRandom(seedOf(seed, 'department-file', variant)), w);
      const target = `${DATA}/${department.toLowerCase()}.csv`;
      const rows = w.employees.filter((employee) => employee.department === department).map((employee) => employee.line);
      const edit = editTree(w.files).write(target, `id,name,department,title,salary,start_date\n${rows.join('\n')}\n`);
      drafts.push({
        family: 'records', difficulty: 'medium', template: 'department-file', world: w.files,
        instruction: `Create ~/data/${department.toLowerCase()}.csv holding the header line of ~/data/employees.csv followed by the rows of the ${department} department, in their original order.`,
        inspects: [bashStep('head -n 3 ~/data/employees.csv', 'inspect')],
        writes: [bashStep(`head -n 1 employees.csv > ${department.toLowerCase()}.csv && awk -F, '$3 == "${department}"' employees.csv >> ${department.toLowerCase()}.csv`, 'write', DATA)],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Wrote ${rows.length} ${department} rows to ~/data/${department.toLowerCase()}.csv.`,
      });
    }
    {
      const key = variant === 0 ? (sale: Sale) => sale.region : (sale: Sale) => sale.product;
      const base = world('totals-report', (candidate) => distinctValues(totals(candidate.sales, key)));
      const [field, column, target] = variant === 0 ? ['region', 2, `${DATA}/region-totals.txt`] as const : ['product', 3, `${DATA}/product-totals.txt`] as const;
      const lines = [...totals(base.sales, key)].sort((a, b) => b[1] - a[1]).map(([name, total]) => `${name} ${total}`);
      // Variant 0 refreshes a report last written for the first quarter only; variant 1 writes a new one.
      const stale = [...totals(base.sales.filter((sale) => sale.quarter === '2024-Q1'), key)].sort((a, b) => b[1] - a[1]).map(([name, total]) => `${name} ${total}`);
      const w = variant === 0 ? { ...base, files: editTree(base.files).write(target, `${stale.join('\n')}\n`).files } : base;
      const edit = editTree(w.files).write(target, `${lines.join('\n')}\n`);
      const short = target.replace(HOME, '~');
      const command = `awk -F, 'FNR > 1 {t[$${column}] += $4} END {for (k in t) print k, t[k]}' sales/*.csv | sort -k2,2nr > ${target.slice(DATA.length + 1)}`;
      drafts.push({
        family: 'records', difficulty: 'hard', template: 'totals-report', world: w.files,
        instruction: `${variant === 0 ? `${short} only covers the first quarter. Rewrite it` : `Write ${short}`} with one line per ${field}: the ${field} name, a space, and its total units over all the quarterly files in ~/data/sales, the highest total first.`,
        inspects: [bashStep('head -n 3 ~/data/sales/*.csv', 'inspect')],
        writes: variant === 0 ? [callStep('read_file', { path: target }, 'confirm'), bashStep(command, 'write', DATA)] : [bashStep(command, 'write', DATA)],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Wrote the ${field} totals to ${short}.`,
      });
    }
    {
      const w = world('distinct-products');
      const quarter = w.quarters[variant]!;
      const value = new Set(w.sales.filter((sale) => sale.quarter === quarter).map((sale) => sale.product)).size;
      drafts.push({
        family: 'records', difficulty: 'medium', template: 'distinct-products', world: w.files,
        instruction: `How many different products appear in ~/data/sales/${quarter}.csv? Answer with the number only.`,
        inspects: [bashStep(`head -n 3 ~/data/sales/${quarter}.csv`, 'inspect'), bashStep(`tail -n +2 ~/data/sales/${quarter}.csv | cut -d, -f3 | sort -u | wc -l`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
  }
  return drafts;
}

