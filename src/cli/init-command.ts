/** `bridle init`: prepare a git repository for bridle (harness folders, .gitignore, one commit). */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { listOption } from './options.ts';

export function initCommand(): Command {
  return new Command('init')
    .description('Prepare this folder for bridle: a git repository, harnesses/<env>/harness.json, .bridle/ ignored.')
    .option('--env <names>', 'environments to create harness folders for (default: every environment that needs no data folder)', listOption)
    .action(async (flags: { env?: string[] }) => {
      const [{ initProject }, { loadConfig }, { assertKnownEnvironment, readyEnvironmentNames }] = await Promise.all([
        import('../store/git/init.ts'),
        import('../config/index.ts'),
        import('../environment/catalog.ts'),
      ]);
      const root = resolve(process.cwd());
      const config = await loadConfig(root);
      const environments = flags.env ?? readyEnvironmentNames({ config });
      for (const name of environments) assertKnownEnvironment(name, { config });
      const result = await initProject({ root, environments });
      const lines = [
        ...(result.notes.length ? result.notes : ['already initialised: nothing to do']),
        `next: npx bridle evolve --env ${environments[0] ?? '<name>'}   (offline: simulated backbones and the heuristic engineer)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
