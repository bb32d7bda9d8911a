/** `bridle init`: prepare a git repository for bridle (harness folders, .gitignore, one commit). */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { listOption } from './options.ts';

export function initCommand(): Command {
  return new Command('init')
    .description('Prepare this folder for bridle: a git repository, harnesses/<env>/harness.json, .bridle/ ignored.')
    .option('--env <names>', 'environments to create harness folders for (default: every built-in environment)', listOption)
    .action(async (flags: { env?: string[] }) => {
      const { environmentNames, loadEnvironment } = await import('../../environments/index.ts');
      const environments = flags.env ?? environmentNames();
      for (const name of environments) loadEnvironment(name); // an unknown name fails with the known list
      const { initProject } = await import('../store/git/init.ts');
      const result = await initProject({ root: resolve(process.cwd()), environments });
      const lines = [
        ...(result.notes.length ? result.notes : ['already initialised: nothing to do']),
        'next: npx bridle evolve --env retail   (offline: simulated backbones and the heuristic engineer)',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
