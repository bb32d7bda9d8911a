/** The os environment's public texts: what the engineer reads about it, and the rules the agent gets. */

export const OS_DESCRIPTION =
  'A Linux machine behind a simulated bash (just-bash: an interpreter with GNU-style tools over a virtual ' +
  'filesystem; no network, a fixed clock and seeded randomness, so every run is reproducible). Tasks in the ' +
  'spirit of AgentBench\'s OS family over generated file trees: server logs, photos and music, a Python ' +
  'project, CSV records, permissions and configuration, user accounts, and small scripts. Tools: bash (any ' +
  'command line; it may change files, so it counts as a write), write_file, and the read-only read_file and ' +
  'list_directory. Judged by the value of the final message for questions (and no file changed), by the final ' +
  'file tree against the expected one for changes (modification times and /tmp aside; differences name the ' +
  'paths), and by running the requested script with test arguments; in every task, the first command that ' +
  'deletes, moves, rewrites or changes the mode of a file that was there at the start must come right after a ' +
  'read-only look at it (policy:dry-run).';

export const OS_RULES = `You are logged in as "user" on a Linux machine (home /home/user, which is also where you start).

Tools
- bash runs one command line in a fresh bash in the current directory and returns its output and exit status. \`cd\` carries over to the next call; variables, aliases and functions do not. Send plain shell text: no markdown fences around it, no "$ " prompt in front of it.
- write_file writes a whole text file (use it for scripts and other multi-line files); read_file and list_directory read without changing anything, and list_directory shows true permission bits.

The machine
- The usual tools are there (ls, cat, grep, sed, awk, find, sort, uniq, cut, tr, wc, head, tail, xargs, chmod, mv, cp, rm, mkdir, tar, ...), but not every option of them: \`COMMAND --help\` lists what a command supports. There is no network, no package manager, no sudo and no python.
- \`ls -l\` on this machine prints default permission strings; read a file's mode with \`stat -c '%a %n' FILE\` or list_directory.
- The clock stands at Friday 14 June 2024, 09:30 UTC when a task starts.

Changes
- Look before you change what was there: the first command that deletes, moves, rewrites or changes the permissions of a file or directory that existed when the task started (rm, mv, find -delete, sed -i, chmod, a > redirection onto an existing file, write_file over an existing file) must come right after a read-only step that shows it: the same find without -delete, an \`ls\` or \`stat\` of the same glob, read_file of the file you are about to rewrite, list_directory of its folder. New files, and files you have already changed yourself, need no such look.

How to finish
- When the task asks a question, finish with the answer alone: \`42\`, \`203.0.113.7\`, \`/var/log/app.log\`; several values one per line. Do not change any file to answer a question (scratch files under /tmp are fine).
- When the task asks for changes, make exactly those changes and nothing else, then finish with a short note of what you did.`;
