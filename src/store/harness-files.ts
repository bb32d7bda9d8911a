/**
 * A harness on disk: a folder of module files plus `harness.json` (module order, provenance, last
 * validated scores). A folder without a manifest is read as its `.ts` files in name order.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { BridleError } from '../errors.ts';

export const HARNESS_MANIFEST = 'harness.json';

export const harnessManifestSchema = z
  .object({
    apiVersion: z.literal(1),
    environment: z.string(),
    /** Module files in the order their hooks fold. */
    modules: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*\.ts$/, 'module files are kebab-case .ts names')),
    /** Who produced the modules: engineer and backbones of the run that committed them. */
    provenance: z
      .object({
        runId: z.string().optional(),
        engineer: z.string().optional(),
        trainBackbones: z.array(z.string()).optional(),
        heldoutBackbones: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    /** Last validated held-out success per backbone (rates in [0, 1]). */
    scores: z.record(z.string(), z.number()).optional(),
    /** How `scores` were measured, so anyone can reproduce them exactly. */
    measured: z
      .object({
        split: z.enum(['train', 'validation', 'test']),
        trials: z.number().int().min(1),
        seed: z.number().int().min(0),
        backbones: z.array(z.string()),
      })
      .strict()
      .optional(),
  })
  .strict();

export type HarnessManifest = z.infer<typeof harnessManifestSchema>;

/** One module file. */
export interface HarnessFile {
  file: string;
  source: string;
}

/** A harness read from somewhere (folder, git revision): its label, manifest and module sources in order. */
export interface HarnessSource {
  label: string;
  manifest: HarnessManifest;
  files: HarnessFile[];
}

export function emptyHarness(environment: string): HarnessSource {
  return { label: 'none', manifest: { apiVersion: 1, environment, modules: [] }, files: [] };
}

export function parseManifest(text: string, where: string): HarnessManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BridleError('HARNESS_INVALID', `${where} is not valid JSON`);
  }
  const parsed = harnessManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BridleError('HARNESS_INVALID', `${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Read a harness folder. */
export function readHarnessDirectory(directory: string, environment: string): HarnessSource {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new BridleError('MISSING_FILE', `harness folder "${directory}" does not exist (use --harness none for the baseline)`);
  }
  const manifestPath = join(directory, HARNESS_MANIFEST);
  const manifest = existsSync(manifestPath)
    ? parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath)
    : {
        apiVersion: 1 as const,
        environment,
        modules: readdirSync(directory)
          .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
          .sort(),
      };
  if (manifest.environment !== environment) {
    throw new BridleError('HARNESS_INVALID', `harness "${directory}" is for environment "${manifest.environment}", not "${environment}"`);
  }
  const files = manifest.modules.map((file) => {
    const path = join(directory, file);
    if (!existsSync(path)) throw new BridleError('HARNESS_INVALID', `${manifestPath} lists "${file}" but the file is missing`);
    return { file: basename(file), source: readFileSync(path, 'utf8') };
  });
  return { label: directory, manifest, files };
}
