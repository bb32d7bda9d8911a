/**
 * Pins: the harness version production loads, as an annotated git tag `bridle/<env>/<name>` (default
 * name `production`) on the commit, whose message records what was pinned so it can be checked later:
 *
 * ```
 * bridle pin retail/production: 0b1c8a87d7 (2 modules)
 *
 * Pins harnesses/retail at 0b1c8a87d79d13aa0d3cd981dc75f57db3f9c0e0, committed 2025-01-01T00:00:03Z.
 * Modules, in order: tolerant-parse.ts, policy-guard.ts
 *
 * Validated held-out success (validation split, 3 trials per task, seed 0):
 *   sim/scatter  83.3%
 *   sim/rush     79.2%
 *
 * Bridle-Pin: retail/production
 * Bridle-Content-Hash: 3f2a…(sha256 of the module files in manifest order, sandboxes/compile.ts)
 * Bridle-Commit: 0b1c8a87d79d13aa0d3cd981dc75f57db3f9c0e0
 * Bridle-Commit-Date: 2025-01-01T00:00:03Z
 * Bridle-Modules: tolerant-parse.ts, policy-guard.ts
 * Bridle-Scores: {"sim/scatter":0.8333,"sim/rush":0.7917}
 * Bridle-Measured: {"split":"validation","trials":3,"seed":0,"backbones":["sim/scatter","sim/rush"]}
 * Bridle-Previous: <object id of the tag this one replaced>
 * ```
 *
 * History: moving a pin first archives the old tag object under `bridle/<env>/<name>@<n>` (n = 1 for
 * the first position, counting up), untouched (its message, tagger and date stay byte for byte), then
 * points the live tag at the new commit. The new message names the replaced tag object in
 * `Bridle-Previous`, so the chain survives even if the `@<n>` tags are not pushed.
 *
 * The hash check catches a harness edited or a tag moved without `bridle pin`; it does not stop someone
 * who can write tags and compute the hash. Sign tags (or protect them on the forge) for that.
 */
import { labelBackboneId } from '../models/ids.ts';
import { resolve } from 'node:path';
import { harnessContentHash } from '../../sandboxes/compile.ts';
import { BridleError } from '../errors.ts';
import { parseTrailers } from './git/commit-message.ts';
import { readHarnessObjects } from './git/history.ts';
import { assertEnvironmentName, openRepository, type Repository } from './git/repository.ts';
import { harnessManifestSchema, type HarnessManifest, type HarnessSource } from './harness-files.ts';

/** The pin `loadHarness` and `bridle pin` use when none is named. */
export const DEFAULT_PIN = 'production';

const TAG_PREFIX = 'refs/tags/bridle/';
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const TAG_NAME = /^bridle\/([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9-]*)(?:@(\d+))?$/;

/** Trailer keys of a pin message. */
export const PIN_TRAILERS = {
  pin: 'Bridle-Pin',
  contentHash: 'Bridle-Content-Hash',
  commit: 'Bridle-Commit',
  commitDate: 'Bridle-Commit-Date',
  modules: 'Bridle-Modules',
  scores: 'Bridle-Scores',
  measured: 'Bridle-Measured',
  previous: 'Bridle-Previous',
} as const;

/** How `scores` were measured (harness.json `measured`). */
export type Measured = NonNullable<HarnessManifest['measured']>;

/** What a pin message records. */
export interface PinMessage {
  environment: string;
  name: string;
  /** `harnessContentHash` of the module files, in manifest order. */
  contentHash: string;
  /** Full sha of the pinned commit. */
  commit: string;
  /** Committer date of the pinned commit, ISO 8601. */
  commitDate: string;
  /** Module files in fold order. */
  modules: string[];
  /** Validated held-out success per backbone from harness.json, when it has any. */
  scores: Record<string, number> | undefined;
  /** How the scores were measured, when harness.json says. */
  measured: Measured | undefined;
  /** Object id of the tag this pin replaced, when it moved an earlier one. */
  previous: string | undefined;
}

/** One pin tag: the live position (`archive` undefined) or an archived earlier one (`@<n>`). */
export interface PinRecord {
  environment: string;
  name: string;
  /** The tag's short name: `bridle/<env>/<name>` or `bridle/<env>/<name>@<n>`. */
  tag: string;
  /** n of `@<n>` for an earlier position; undefined for the live pin. */
  archive: number | undefined;
  /** Object id of the tag (the annotated tag object, or the commit for a lightweight tag). */
  object: string;
  /** The commit the tag points at. */
  target: string;
  /** When the pin was made (tagger date), ISO 8601; undefined for a lightweight tag. */
  pinnedAt: string | undefined;
  /** Who pinned it. */
  tagger: string | undefined;
  /** The parsed message; undefined when the tag is not a bridle pin (lightweight, or hand-written). */
  message: PinMessage | undefined;
}

/** Pin names become tag names: one plain lower-case segment (no "@", which marks archived positions). */
export function assertPinName(name: string): void {
  if (!NAME.test(name)) throw new BridleError('INVALID_ARGUMENT', `pin name "${name}" must be lower-case letters, digits and dashes`);
}

/** `bridle/<env>/<name>`. */
export function pinTagName(environment: string, name: string): string {
  assertEnvironmentName(environment);
  assertPinName(name);
  return `bridle/${environment}/${name}`;
}

function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** The tag message for a pin (see the top of this file). */
export function formatPinMessage(pin: PinMessage): string {
  const count = `${pin.modules.length} module${pin.modules.length === 1 ? '' : 's'}`;
  const paragraphs = [
    `bridle pin ${pin.environment}/${pin.name}: ${pin.commit.slice(0, 10)} (${count})`,
    `Pins harnesses/${pin.environment} at ${pin.commit}, committed ${pin.commitDate}.\nModules, in order: ${pin.modules.join(', ') || '(none: the empty harness)'}`,
  ];
  if (pin.scores && Object.keys(pin.scores).length > 0) {
    const how = pin.measured ? ` (${pin.measured.split} split, ${pin.measured.trials} trial${pin.measured.trials === 1 ? '' : 's'} per task, seed ${pin.measured.seed})` : '';
    const width = Math.max(...Object.keys(pin.scores).map((backbone) => labelBackboneId(backbone).length));
    const rows = Object.entries(pin.scores).map(([backbone, rate]) => `  ${labelBackboneId(backbone).padEnd(width)}  ${percent(rate).padStart(6)}`);
    paragraphs.push([`Validated held-out success${how}:`, ...rows].join('\n'));
  } else {
    paragraphs.push('Not validated: harness.json at this commit records no scores.');
  }
  const trailers: [string, string | undefined][] = [
    [PIN_TRAILERS.pin, `${pin.environment}/${pin.name}`],
    [PIN_TRAILERS.contentHash, pin.contentHash],
    [PIN_TRAILERS.commit, pin.commit],
    [PIN_TRAILERS.commitDate, pin.commitDate],
    [PIN_TRAILERS.modules, pin.modules.join(', ')],
    [PIN_TRAILERS.scores, pin.scores ? JSON.stringify(pin.scores) : undefined],
    [PIN_TRAILERS.measured, pin.measured ? JSON.stringify(pin.measured) : undefined],
    [PIN_TRAILERS.previous, pin.previous],
  ];
  paragraphs.push(trailers.filter(([, value]) => value !== undefined).map(([key, value]) => `${key}: ${value}`.trimEnd()).join('\n'));
  return paragraphs.join('\n\n');
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Read a pin message back; undefined when it is not one (a required trailer is missing or malformed). */
export function parsePinMessage(message: string): PinMessage | undefined {
  const trailers = parseTrailers(message);
  const pin = /^([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9-]*)$/.exec(trailers.get(PIN_TRAILERS.pin) ?? '');
  const contentHash = trailers.get(PIN_TRAILERS.contentHash);
  const commit = trailers.get(PIN_TRAILERS.commit);
  if (!pin || !contentHash || !/^[0-9a-f]{64}$/.test(contentHash) || !commit || !/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
  const scores = parseJson(trailers.get(PIN_TRAILERS.scores));
  const measured = harnessManifestSchema.shape.measured.safeParse(parseJson(trailers.get(PIN_TRAILERS.measured)));
  const scoresValid = typeof scores === 'object' && scores !== null && Object.values(scores).every((rate) => typeof rate === 'number');
  const modules = trailers.get(PIN_TRAILERS.modules) ?? '';
  return {
    environment: pin[1]!,
    name: pin[2]!,
    contentHash,
    commit,
    commitDate: trailers.get(PIN_TRAILERS.commitDate) ?? '',
    modules: modules === '' ? [] : modules.split(', '),
    scores: scoresValid ? (scores as Record<string, number>) : undefined,
    measured: measured.success ? measured.data : undefined,
    previous: trailers.get(PIN_TRAILERS.previous) || undefined,
  };
}

const FIELD = '%1f';
const RECORD = '%1e';

/** Every pin tag (live and archived), optionally of one environment, sorted by environment, name, newest position first. */
async function readPinTags(repository: Repository, environment?: string): Promise<PinRecord[]> {
  const format = ['%(refname)', '%(objecttype)', '%(objectname)', '%(*objectname)', '%(taggerdate:iso-strict)', '%(taggername) %(taggeremail)', '%(contents)'].join(FIELD) + RECORD;
  const output = await repository.git().raw(['for-each-ref', `--format=${format}`, environment === undefined ? TAG_PREFIX : `${TAG_PREFIX}${environment}/`]);
  const records: PinRecord[] = [];
  for (const record of output.split('\x1e')) {
    const [ref = '', type = '', object = '', peeled = '', date = '', tagger = '', ...rest] = record.replace(/^\n/, '').split('\x1f');
    const tag = ref.replace(/^refs\/tags\//, '');
    const parsed = TAG_NAME.exec(tag);
    if (!parsed) continue;
    const annotated = type === 'tag';
    records.push({
      environment: parsed[1]!,
      name: parsed[2]!,
      tag,
      archive: parsed[3] === undefined ? undefined : Number(parsed[3]),
      object,
      target: annotated ? peeled : object,
      pinnedAt: annotated && date !== '' ? new Date(date).toISOString() : undefined,
      tagger: annotated ? tagger.trim() : undefined,
      message: annotated ? parsePinMessage(rest.join('\x1f')) : undefined,
    });
  }
  return records.sort(
    (left, right) =>
      left.environment.localeCompare(right.environment) ||
      left.name.localeCompare(right.name) ||
      (right.archive ?? Number.POSITIVE_INFINITY) - (left.archive ?? Number.POSITIVE_INFINITY),
  );
}

/** Every pin and its earlier positions, optionally of one environment. */
export async function listPins(root: string, environment?: string): Promise<PinRecord[]> {
  if (environment !== undefined) assertEnvironmentName(environment);
  return readPinTags(await openRepository(resolve(root)), environment);
}

/** The live pin `bridle/<env>/<name>`; BridleError UNKNOWN_PIN (listing the environment's pins) when absent. */
export async function readPin(repository: Repository, environment: string, name: string): Promise<PinRecord> {
  const tag = pinTagName(environment, name);
  const pins = await readPinTags(repository, environment);
  const found = pins.find((pin) => pin.tag === tag);
  if (found) return found;
  const live = pins.filter((pin) => pin.archive === undefined).map((pin) => pin.name);
  const known = live.length > 0 ? `pins of ${environment}: ${live.join(', ')}` : `${environment} has no pins yet: make one with "bridle pin ${environment} <rev>"`;
  throw new BridleError('UNKNOWN_PIN', `no pin "${name}" (tag ${tag}); ${known}`);
}

/** The outcome of checking a pin against the harness it points at. */
export type PinCheck = { ok: true; harness: HarnessSource; contentHash: string } | { ok: false; problem: string };

function sameJson(left: unknown, right: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, item]) => [key, canonical(item)]))
      : value;
  return JSON.stringify(canonical(left)) === JSON.stringify(canonical(right));
}

/**
 * Check a pin: its message must be a pin message for this tag, the tag must point at the commit the
 * message names, the module files there (read from git objects) must hash to the recorded content hash,
 * and harness.json must still hold the recorded scores. Any difference is a problem, in one line.
 */
export async function checkPin(repository: Repository, pin: PinRecord): Promise<PinCheck> {
  const message = pin.message;
  if (!message) return { ok: false, problem: `tag ${pin.tag} is not a bridle pin (no ${PIN_TRAILERS.contentHash} in an annotated tag message)` };
  if (message.environment !== pin.environment || message.name !== pin.name) {
    return { ok: false, problem: `tag ${pin.tag} carries the message of pin ${message.environment}/${message.name}` };
  }
  let harness: HarnessSource;
  try {
    harness = await readHarnessObjects(repository, pin.target, pin.environment);
  } catch (error) {
    return { ok: false, problem: `the harness at ${pin.target.slice(0, 10)} cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  const contentHash = harnessContentHash(harness.files);
  if (contentHash !== message.contentHash) {
    return {
      ok: false,
      problem: `the modules at ${pin.target.slice(0, 10)} hash to ${contentHash.slice(0, 12)}, the pin records ${message.contentHash.slice(0, 12)}: the harness changed after it was pinned`,
    };
  }
  if (pin.target !== message.commit) {
    return { ok: false, problem: `tag ${pin.tag} points at ${pin.target.slice(0, 10)} but its message pins ${message.commit.slice(0, 10)}: it was moved without "bridle pin"` };
  }
  if (!sameJson(harness.manifest.scores, message.scores) || !sameJson(harness.manifest.measured, message.measured)) {
    return { ok: false, problem: `harness.json at ${pin.target.slice(0, 10)} records other scores than the pin message` };
  }
  return { ok: true, harness, contentHash };
}

/** What `pinHarness` did. */
export interface PinResult {
  /** The live pin after the call. */
  pin: PinRecord;
  /** The earlier position, archived as `@<n>`, when the pin moved. */
  archived: PinRecord | undefined;
  /** True when the pin already pointed at this commit with this content: nothing changed. */
  unchanged: boolean;
}

/** Options of `pinHarness`. */
export interface PinOptions {
  /** Project root (default: the current directory). */
  root?: string;
  environment: string;
  /** Any revision git accepts. */
  rev: string;
  /** Pin name (default "production"). */
  name?: string;
}

/**
 * Pin the harness of `environment` at `rev`: create or move the annotated tag `bridle/<env>/<name>`,
 * archiving the previous position. BridleError UNKNOWN_COMMIT for an unknown rev, HARNESS_INVALID when
 * the rev has no `harnesses/<env>/`.
 */
export async function pinHarness(options: PinOptions): Promise<PinResult> {
  const name = options.name ?? DEFAULT_PIN;
  const tag = pinTagName(options.environment, name);
  const repository = await openRepository(resolve(options.root ?? process.cwd()));
  const commit = await repository.resolveCommit(options.rev);
  // By the name the user gave, so a missing folder is reported "at HEAD", not at a bare sha.
  const harness = await readHarnessObjects(repository, options.rev, options.environment);
  const contentHash = harnessContentHash(harness.files);
  const pins = await readPinTags(repository, options.environment);
  const current = pins.find((pin) => pin.tag === tag);
  if (current && current.target === commit && current.message?.contentHash === contentHash) {
    return { pin: current, archived: undefined, unchanged: true };
  }

  const git = repository.git();
  const commitDate = new Date(Number((await git.raw(['log', '-1', '--format=%ct', commit, '--'])).trim()) * 1000).toISOString();
  const message = formatPinMessage({
    environment: options.environment,
    name,
    contentHash,
    commit,
    commitDate,
    modules: harness.manifest.modules,
    scores: harness.manifest.scores,
    measured: harness.manifest.measured,
    previous: current?.object,
  });

  let archivedTag: string | undefined;
  if (current) {
    const taken = pins.filter((pin) => pin.name === name && pin.archive !== undefined).map((pin) => pin.archive!);
    archivedTag = `${tag}@${Math.max(0, ...taken) + 1}`;
    // The same tag object under a second name: the old position stays exactly as it was made. The empty
    // old value makes git refuse if that name was taken meanwhile.
    await git.raw(['update-ref', '-m', `bridle pin: archive ${tag}`, `refs/tags/${archivedTag}`, current.object, '']);
  }
  const who = await repository.identity();
  await git.raw([
    '-c', `user.name=${who.name}`, '-c', `user.email=${who.email}`, '-c', 'tag.gpgSign=false',
    'tag', '--annotate', '--force', '--cleanup=whitespace', '-m', message, tag, commit,
  ]);
  const after = await readPinTags(repository, options.environment);
  return {
    pin: after.find((pin) => pin.tag === tag)!,
    archived: archivedTag === undefined ? undefined : after.find((pin) => pin.tag === archivedTag),
    unchanged: false,
  };
}
