/** A proposal applied to HEAD: the full candidate harness (files and their fold order). */
import { BridleError } from '../errors.ts';
import type { HarnessFile, HarnessManifest, HarnessSource } from '../store/harness-files.ts';
import type { Proposal } from './types.ts';

const FILE_NAME = /^[a-z0-9][a-z0-9-]*\.ts$/;

export function applyProposal(head: HarnessSource, proposal: Pick<Proposal, 'files' | 'remove' | 'order'>, label: string): HarnessSource {
  const files = new Map<string, HarnessFile>(head.files.map((file) => [file.file, file]));
  for (const file of proposal.files) {
    if (!FILE_NAME.test(file.file)) throw new BridleError('HARNESS_INVALID', `module file name "${file.file}" is not a kebab-case .ts name`);
    files.set(file.file, file);
  }
  for (const file of proposal.remove) files.delete(file);
  const defaultOrder = [...head.manifest.modules.filter((file) => files.has(file)), ...proposal.files.map((file) => file.file).filter((file) => !head.manifest.modules.includes(file))];
  const order = proposal.order ? proposal.order.filter((file) => files.has(file)) : defaultOrder;
  for (const file of files.keys()) if (!order.includes(file)) order.push(file);
  const manifest: HarnessManifest = { ...head.manifest, modules: [...new Set(order)] };
  return { label, manifest, files: manifest.modules.map((file) => files.get(file)!) };
}

/** The files a proposal adds, changes or removes, relative to HEAD. */
export function changedFiles(head: HarnessSource, candidate: HarnessSource): string[] {
  const before = new Map(head.files.map((file) => [file.file, file.source]));
  const after = new Map(candidate.files.map((file) => [file.file, file.source]));
  const changed = [...after.entries()].filter(([file, source]) => before.get(file) !== source).map(([file]) => file);
  const removed = [...before.keys()].filter((file) => !after.has(file));
  return [...changed, ...removed].sort();
}

/** The module names (`defineModule({ name })`) declared by some files. */
export function moduleNames(files: readonly HarnessFile[]): string[] {
  return files.map((file) => /name:\s*['"]([^'"]+)['"]/.exec(file.source)?.[1] ?? file.file.replace(/\.ts$/, ''));
}
