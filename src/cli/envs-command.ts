/** `bridle envs`: every environment the project can use, with its task counts, source and one line. */
import { Command } from 'commander';
import { resolve } from 'node:path';
import type { EnvironmentListing } from '../environment/catalog.ts';
import { printResult, table } from './format.ts';

export function envsCommand(): Command {
  return new Command('envs')
    .description('List the environments: built in, peer benchmarks (with --data), and your own from bridle.config.ts.')
    .option('--data <dir>', 'the data folder peer benchmarks read (or data: in bridle.config.ts)')
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: { data?: string; json?: boolean }) => {
      const [{ loadConfig }, { listEnvironments }] = await Promise.all([import('../config/index.ts'), import('../environment/catalog.ts')]);
      const root = resolve(process.cwd());
      const config = await loadConfig(root);
      const listings = await listEnvironments({ root, config, ...(flags.data === undefined ? {} : { data: flags.data }) });
      printResult(listings, flags.json, formatListings);
    });
}

function formatListings(listings: readonly EnvironmentListing[]): string {
  const rows = listings.map((listing) => [
    listing.name,
    listing.tasks ? String(listing.tasks.train) : '-',
    listing.tasks ? String(listing.tasks.validation) : '-',
    listing.tasks ? String(listing.tasks.test) : '-',
    listing.source,
    [listing.summary, listing.unavailable ? `(${listing.unavailable})` : '', listing.realBackbonesOnly ? '(no oracle: real backbones only)' : ''].filter(Boolean).join(' '),
  ]);
  const notes = listings.filter((listing) => listing.splitNote).map((listing) => `${listing.name}: ${listing.splitNote}`);
  return [table(['environment', 'train', 'validation', 'test', 'source', 'description'], rows), ...(notes.length > 0 ? ['', 'splits:', ...notes.map((note) => `  ${note}`)] : [])].join('\n');
}
