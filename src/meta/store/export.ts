/**
 * The run store written out as plain files, for coding-agent engineers (Claude Code, Codex) that browse
 * with their own file tools. Everything is read through the {@link RunStore} methods, so the folder
 * holds exactly what the store may show: train trajectories, candidates with their aggregate verdicts,
 * the environment's public brief and the harness API, never a validation or test episode.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEAD_SOURCE, STORE_MAX_ROWS, type RunStore } from './run-store.ts';

/** What was written, for the engineer's prompt. */
export interface ExportedStore {
  folder: string;
  trajectories: number;
  candidates: number;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const README = (head: string, trajectories: number, candidates: number) => `# The run store (read-only)

Everything here is from the **train** split: the engineer never sees validation or test episodes; the gate
reports validation results only as the aggregate numbers in a candidate's \`verdict\`.

- \`environment.md\`: the environment's public description and written rules (\`view.rules\`).
- \`tools.json\`: the agent's tool schemas (\`view.tools\`), the loop's \`finish\` included.
- \`harness-api.ts\`: the harness API (\`bridle/harness\`), the only import a module may use.
- \`failure-groups.json\`: HEAD's failed train episodes grouped by signature, largest first.
- \`trajectories/index.jsonl\`: one line per train episode of HEAD (${head}): id, task, backbone, outcome, signatures.
  \`trajectories/head/<n>.txt\` is episode n compressed (decisive steps), \`trajectories/head/<n>.json\` in full.
- \`candidates/<NNN>/\`: every earlier candidate of this run (${candidates}): \`candidate.json\` (group, summary,
  stage, reason, diagnostics, train scores, aggregate verdict), its module files, and \`diff.patch\` against
  the HEAD it was judged against.

${trajectories} trajectories, ${candidates} candidates.
`;

/** Write the store under `folder` (created). */
export function exportRunStore(store: RunStore, folder: string): ExportedStore {
  mkdirSync(folder, { recursive: true });
  const brief = store.environment();
  writeFileSync(join(folder, 'environment.md'), `# ${brief.name}\n\n${brief.description.trim()}\n\n## Written rules (view.rules)\n\n${brief.rules.trim()}\n`);
  writeFileSync(join(folder, 'tools.json'), json(brief.tools));
  writeFileSync(join(folder, 'harness-api.ts'), store.harnessApi());
  writeFileSync(join(folder, 'failure-groups.json'), json(store.groups()));

  const trajectoriesFolder = join(folder, 'trajectories', HEAD_SOURCE);
  mkdirSync(trajectoriesFolder, { recursive: true });
  const index: string[] = [];
  let offset = 0;
  for (;;) {
    const page = store.listTrajectories({ source: HEAD_SOURCE, offset, limit: STORE_MAX_ROWS });
    for (const row of page.rows) {
      index.push(JSON.stringify(row));
      const number = row.id.slice(HEAD_SOURCE.length + 1);
      const compressed = store.readTrajectory(row.id, { format: 'compressed' });
      if (compressed.format === 'compressed') {
        const text = [`${row.id} · task ${row.taskId} · ${row.backbone}${row.simulated ? ' (simulated)' : ''} · trial ${row.trial}`, `Instruction: ${compressed.instruction}`, `Outcome: ${compressed.outcome}`, 'Steps:', ...compressed.steps.map((step) => `- ${step}`)];
        if (compressed.omitted > 0) text.push(`- (${compressed.omitted} steps left out; the .json file has them all)`);
        writeFileSync(join(trajectoriesFolder, `${number}.txt`), `${text.join('\n')}\n`);
      }
      writeFileSync(join(trajectoriesFolder, `${number}.json`), json(store.readTrajectory(row.id, { format: 'raw' })));
    }
    offset += page.rows.length;
    if (page.rows.length === 0 || offset >= page.total) break;
  }
  writeFileSync(join(folder, 'trajectories', 'index.jsonl'), index.length > 0 ? `${index.join('\n')}\n` : '');

  const candidates = store.listCandidates();
  for (const summary of candidates) {
    const detail = store.readCandidate(summary.candidate);
    const candidateFolder = join(folder, 'candidates', detail.label);
    mkdirSync(candidateFolder, { recursive: true });
    const { files, diff, ...record } = detail;
    writeFileSync(join(candidateFolder, 'candidate.json'), json(record));
    for (const file of files) writeFileSync(join(candidateFolder, file.file), file.source);
    writeFileSync(join(candidateFolder, 'diff.patch'), diff);
  }
  writeFileSync(join(folder, 'README.md'), README(store.head(), index.length, candidates.length));
  return { folder, trajectories: index.length, candidates: candidates.length };
}
