/**
 * Media: a person's photos, screenshots, music and downloads, with the usual mess: mixed-case
 * extensions, names with spaces, hidden thumbnail folders, zero-byte leftovers of failed copies.
 */
import { callStep, createRandom, seedOf, type Random } from '../../../src/toolkit/index.ts';
import { HOME, type FileTable } from '../machine.ts';
import { filler, pad, pickDistinct } from '../names.ts';
import { bashStep, type TaskDraft } from '../task.ts';
import { baseName, createTree, editTree, viewOf, type TreeBuilder } from '../tree.ts';

const PICTURES = `${HOME}/Pictures`;
const MUSIC = `${HOME}/Music`;
const DESKTOP = `${HOME}/Desktop`;
const DOWNLOADS = `${HOME}/Downloads`;

const ARTISTS: readonly [string, string[]][] = [
  ['Nina Simone', ['Pastel Blues', 'Wild Is the Wind']],
  ['Radiohead', ['In Rainbows', 'OK Computer']],
  ['Miles Davis', ['Kind of Blue']],
  ['Björk', ['Homogenic', 'Post']],
  ['Khruangbin', ['Con Todo El Mundo']],
  ['Fela Kuti', ['Zombie', 'Expensive Shit']],
];
const SONG_WORDS = ['Night', 'River', 'Blue', 'Light', 'Home', 'Fire', 'Shadow', 'Morning', 'Train', 'Garden', 'Echo', 'Stone', 'Sea'];
const DOWNLOAD_NAMES = ['invoice-2024-05.pdf', 'photos-backup.zip', 'debian-12.5.0-amd64-netinst.iso', 'slack-desktop-4.38.deb', 'meeting-notes.md', 'boarding-pass.pdf', 'font-pack.tar.gz'];
const PHOTO_EXTENSIONS = ['jpg', 'jpg', 'jpg', 'JPG', 'jpeg', 'JPEG'];

interface MediaWorld {
  files: FileTable;
}

function photo(random: Random, tree: TreeBuilder, directory: string, number: number, extension: string, empty: boolean, age: number): string {
  const path = `${directory}/IMG_${pad(number, 4)}.${extension}`;
  tree.file(path, empty ? '' : filler(random, random.int(900, 4800), 'JFIF'), { age });
  return path;
}

function buildWorld(seed: number): MediaWorld {
  const random = createRandom(seed);
  const tree = createTree();
  let number = random.int(1000, 7000);
  for (const [year, age] of [['2023', 300], ['2024', 40]] as const) {
    const count = random.int(9, 14);
    for (let index = 0; index < count; index++) {
      number += random.int(1, 9);
      const path = photo(random, tree, `${PICTURES}/${year}`, number, random.pick(PHOTO_EXTENSIONS), random.chance(0.12), age - index);
      if (year === '2024' && random.chance(0.5)) tree.file(`${PICTURES}/${year}/.thumbnails/${baseName(path).replace(/\.[^.]+$/, '.jpg')}`, random.chance(0.15) ? '' : filler(random, random.int(90, 400), 'JFIF'), { age: age - index });
    }
    for (let index = 0; index < random.int(1, 3); index++) tree.file(`${PICTURES}/${year}/edit-${pad(index + 1)}.png`, filler(random, random.int(1500, 6000), 'PNG'), { age: age - 5 });
  }
  for (const name of ['mountains.png', 'city-night.png', 'forest.jpg', 'abstract-waves.png']) tree.file(`${PICTURES}/Wallpapers/${name}`, random.chance(0.15) ? '' : filler(random, random.int(3000, 9000), 'PNG'), { age: 200 });
  for (let index = 0; index < random.int(3, 6); index++) {
    const day = random.int(3, 13);
    tree.file(`${DESKTOP}/Screenshot 2024-06-${pad(day)} at ${pad(random.int(8, 18))}.${pad(random.int(0, 59))}.${pad(random.int(0, 59))}.png`, filler(random, random.int(800, 5000), 'PNG'), { age: 14 - day });
  }
  tree.file(`${DESKTOP}/todo.txt`, '- renew passport\n- back up photos\n- clean up Downloads\n', { age: 3 });
  tree.file(`${DESKTOP}/architecture diagram.png`, filler(random, 2400, 'PNG'), { age: 20 });
  for (const [artist, albums] of pickDistinct(random, ARTISTS, 3)) {
    for (const album of albums.slice(0, random.int(1, albums.length))) {
      const directory = `${MUSIC}/${artist}/${album}`;
      const words = pickDistinct(random, SONG_WORDS, random.int(3, 5));
      words.forEach((word, index) => {
        tree.file(`${directory}/${pad(index + 1)} - ${word} ${random.pick(['Song', 'Blues', 'Theme', 'Dance', 'Waltz'])}.mp3`, random.chance(0.08) ? '' : filler(random, random.int(2000, 9000), 'ID3'), { age: 500 });
      });
      tree.file(`${directory}/cover.jpg`, filler(random, random.int(300, 900), 'JFIF'), { age: 500 });
    }
  }
  tree.file(`${MUSIC}/playlist.m3u`, '#EXTM3U\n', { age: 100 });
  const sizes = random.shuffle([1200, 2600, 4100, 5300, 7700, 9800, 12_400]);
  pickDistinct(random, DOWNLOAD_NAMES, 5).forEach((name, index) => tree.file(`${DOWNLOADS}/${name}`, filler(random, sizes[index]! + random.int(0, 99)), { age: 10 + index }));
  return { files: tree.build() };
}

function files(world: FileTable, test: (path: string) => boolean): string[] {
  return Object.keys(world).filter((path) => world[path]!.type === 'file' && test(path)).sort();
}

function size(world: FileTable, path: string): number {
  const entry = world[path];
  return entry?.type === 'file' ? Buffer.byteLength(entry.content) : 0;
}

/** The media tasks: six templates, two variants each. */
export function mediaTasks(seed: number): TaskDraft[] {
  const drafts: TaskDraft[] = [];
  for (const variant of [0, 1]) {
    // The first world of the template's seed sequence in which the request has something to do.
    const world = (template: string, accept: (files: FileTable) => boolean = () => true): FileTable => {
      for (let attempt = 0; ; attempt++) {
        const candidate = buildWorld(seedOf(seed, 'media', template, variant, attempt)).files;
        if (accept(candidate)) return candidate;
      }
    };

    {
      const w = world('count-photos');
      const value = files(w, (path) => path.startsWith(`${PICTURES}/`) && /\.jpe?g$/i.test(path) && !path.includes('/.thumbnails/')).length;
      drafts.push({
        family: 'media', difficulty: 'easy', template: 'count-photos', world: w,
        instruction: 'How many photos (.jpg or .jpeg files, in any capitalisation) are there under ~/Pictures, subfolders included, not counting the hidden .thumbnails folders? Answer with the number only.',
        inspects: [bashStep("find ~/Pictures -type f \\( -iname '*.jpg' -o -iname '*.jpeg' \\) ! -path '*/.thumbnails/*' | wc -l", 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const year = variant === 0 ? '2024' : '2023';
      const directory = `${PICTURES}/${year}`;
      const w = world('jpeg-to-jpg', (candidate) => files(candidate, (path) => path.slice(0, path.lastIndexOf('/')) === directory && /\.jpeg$/i.test(path)).length >= 2);
      const edit = editTree(w);
      const renamed = files(w, (path) => path.slice(0, path.lastIndexOf('/')) === directory && /\.jpeg$/i.test(path));
      for (const path of renamed) edit.move(path, path.replace(/\.jpeg$/i, '.jpg'));
      drafts.push({
        family: 'media', difficulty: 'medium', template: 'jpeg-to-jpg', world: w,
        instruction: `In ~/Pictures/${year} (not its subfolders), rename every file ending in .jpeg, whatever its capitalisation (.JPEG, .Jpeg, ...), so that it ends in .jpg instead; keep the rest of each name as it is.`,
        inspects: [callStep('list_directory', { path: PICTURES }, 'inspect')],
        writes: [bashStep('ls *.[jJ][pP][eE][gG]', 'confirm', directory), bashStep('for f in *.[jJ][pP][eE][gG]; do mv -- "$f" "${f%.*}.jpg"; done', 'write', directory)],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Renamed ${renamed.length} .jpeg files to .jpg in ~/Pictures/${year}.`,
      });
    }
    {
      const w = world('file-screenshots');
      const target = variant === 0 ? `${PICTURES}/Screenshots` : `${PICTURES}/Screenshots/2024-06`;
      const edit = editTree(w).mkdir(target);
      const shots = files(w, (path) => path.startsWith(`${DESKTOP}/Screenshot `));
      for (const path of shots) edit.move(path, `${target}/${baseName(path)}`);
      const short = target.replace(HOME, '~');
      drafts.push({
        family: 'media', difficulty: 'medium', template: 'file-screenshots', world: w,
        instruction: `Tidy the desktop: move every screenshot (the files on ~/Desktop whose names start with "Screenshot") into ${short}, creating it if needed. Leave the other desktop files where they are.`,
        inspects: [callStep('list_directory', { path: PICTURES }, 'inspect')],
        writes: [bashStep('ls Screenshot*.png', 'confirm', DESKTOP), bashStep(`mkdir -p ${short} && mv Screenshot*.png ${short}/`, 'write', DESKTOP)],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Moved ${shots.length} screenshots to ${short}.`,
      });
    }
    {
      const w = world('archive-download');
      const sorted = files(w, (path) => path.startsWith(`${DOWNLOADS}/`)).sort((a, b) => size(w, b) - size(w, a));
      const chosen = variant === 0 ? sorted[0]! : sorted.at(-1)!;
      const destination = `${HOME}/Archive/${baseName(chosen)}`;
      const edit = editTree(w).mkdir(`${HOME}/Archive`).move(chosen, destination);
      drafts.push({
        family: 'media', difficulty: 'medium', template: 'archive-download', world: w,
        instruction: `Move the ${variant === 0 ? 'largest' : 'smallest'} file in ~/Downloads into ~/Archive (create ~/Archive if needed), keeping its name.`,
        inspects: [bashStep('ls -S ~/Downloads', 'inspect')],
        writes: [bashStep('mkdir -p ~/Archive', 'write'), callStep('list_directory', { path: DOWNLOADS }, 'confirm'), callStep('move_path', { source: chosen, destination }, 'write')],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Moved ${baseName(chosen)} to ~/Archive.`,
      });
    }
    {
      const root = variant === 0 ? PICTURES : MUSIC;
      const w = world('remove-empty', (candidate) => files(candidate, (path) => path.startsWith(`${root}/`) && size(candidate, path) === 0).length >= 2);
      const empty = files(w, (path) => path.startsWith(`${root}/`) && size(w, path) === 0);
      const edit = editTree(w);
      for (const path of empty) edit.remove(path);
      const short = root.replace(HOME, '~');
      drafts.push({
        family: 'media', difficulty: 'hard', template: 'remove-empty', world: w,
        instruction: `A failed copy left empty files behind. Delete every empty (zero-byte) file anywhere under ${short}, hidden folders included; leave everything else alone.`,
        inspects: [callStep('list_directory', { path: root }, 'inspect')],
        writes: [bashStep('find . -type f -empty', 'confirm', root), bashStep('find . -type f -empty -delete', 'write', root)],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Deleted ${empty.length} empty files under ${short}.`,
      });
    }
    {
      const w = world('total-size');
      const [root, pattern, extension] = variant === 0 ? [MUSIC, /\.mp3$/, 'mp3'] as const : [PICTURES, /\.png$/, 'png'] as const;
      const value = files(w, (path) => path.startsWith(`${root}/`) && pattern.test(path)).reduce((sum, path) => sum + size(w, path), 0);
      const short = root.replace(HOME, '~');
      drafts.push({
        family: 'media', difficulty: 'medium', template: 'total-size', world: w,
        instruction: `What is the total size in bytes of all .${extension} files under ${short}, subfolders included? Answer with the number only.`,
        inspects: [callStep('list_directory', { path: root }, 'inspect'), bashStep(`find ${short} -type f -name '*.${extension}' -exec stat -c %s {} + | awk '{s += $1} END {print s}'`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
  }
  return drafts;
}
