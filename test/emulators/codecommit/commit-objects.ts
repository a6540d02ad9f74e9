import { gitText } from './git.ts';
import { OBJECT_ID, readLooseHeader, writeLooseObject } from './objects.ts';
import { hasInitialObjectConfig } from './repository-config.ts';

/**
 * Commit objects written in-process: what `git commit-tree <tree> -p <parent>… -F -` writes, without
 * a git process per commit. Git's commit format is
 *
 *     tree <id>\n  parent <id>\n (one per parent)  author <name> <<email>> <seconds> <±hhmm>\n
 *     committer <name> <<email>> <seconds> <±hhmm>\n  \n  <message>
 *
 * and commit-tree takes the message from standard input exactly as given (no newline added, none
 * stripped, an empty message kept empty). Git rewrites some inputs, and those are left to git,
 * which is asked instead: identities with "crud" at either end (whitespace, `.,:;<>"'\`), or with
 * `<`, `>` or a control character (git strips or drops them), an empty name (refused); messages
 * holding a NUL (refused); and text git does not take for UTF-8 (lone surrogates, noncharacters
 * such as U+FFFE or U+FDD0, which git re-reads as Latin-1). Git also checks that the tree and the
 * parents exist with their types and ignores a repeated parent: the in-process path takes only
 * distinct full ids of loose objects of the right type.
 *
 * The date is "now" in the local time zone, as git stamps it; the git path is handed the same date
 * (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE), so both paths write the same commit for the same instant.
 */

export interface CommitIdentity {
  name: string;
  email: string;
}

export interface CommitFields {
  tree: string;
  parents: readonly string[];
  message: string;
  author: CommitIdentity;
  committer: CommitIdentity;
}

/** `<epoch seconds> <±hhmm>`: `when` with the local time zone's offset at that instant. */
export function gitDate(when: Date): string {
  const seconds = Math.floor(when.getTime() / 1000);
  const east = -Math.trunc(when.getTimezoneOffset());
  const magnitude = Math.abs(east);
  const hhmm = `${Math.floor(magnitude / 60)}`.padStart(2, '0') + `${magnitude % 60}`.padStart(2, '0');
  return `${seconds} ${east < 0 ? '-' : '+'}${hhmm}`;
}

/** Characters git's ident code strips from either end of a name or an email (and other controls). */
const CRUD_END = /^[\p{Cc} .,:;<>"'\\]|[\p{Cc} .,:;<>"'\\]$/u;
/** Characters git drops inside an identity, and control characters, which are not taken as they are. */
const UNPLAIN_IDENTITY = /[<>\p{Cc}]/u;

/** Unicode noncharacters: U+FDD0–U+FDEF and the last two code points of every plane. */
const NONCHARACTER = new RegExp(
  `[\\u{FDD0}-\\u{FDEF}${Array.from({ length: 17 }, (_, plane) => {
    const base = (plane * 0x10000 + 0xfffe).toString(16);
    const last = (plane * 0x10000 + 0xffff).toString(16);
    return `\\u{${base}}\\u{${last}}`;
  }).join('')}]`,
  'u',
);

const isPlainText = (text: string): boolean => text.isWellFormed() && !NONCHARACTER.test(text);

const isPlainField = (value: string): boolean =>
  !CRUD_END.test(value) && !UNPLAIN_IDENTITY.test(value) && isPlainText(value);

const isPlainIdentity = (identity: CommitIdentity): boolean =>
  identity.name !== '' && isPlainField(identity.name) && isPlainField(identity.email);

async function isLoose(gitDir: string, objectId: string, type: 'tree' | 'commit'): Promise<boolean> {
  return OBJECT_ID.test(objectId) && (await readLooseHeader(gitDir, objectId))?.type === type;
}

/** Whether git would write exactly `commitContent(commit, date)` for `commit`. */
export async function isPlainCommit(gitDir: string, commit: CommitFields): Promise<boolean> {
  if (!isPlainIdentity(commit.author) || !isPlainIdentity(commit.committer)) return false;
  if (commit.message.includes('\0') || !isPlainText(commit.message)) return false;
  if (new Set(commit.parents).size !== commit.parents.length) return false;
  if (!hasInitialObjectConfig(gitDir)) return false;
  if (!(await isLoose(gitDir, commit.tree, 'tree'))) return false;
  for (const parent of commit.parents) if (!(await isLoose(gitDir, parent, 'commit'))) return false;
  return true;
}

const signature = (identity: CommitIdentity, date: string): string =>
  `${identity.name} <${identity.email}> ${date}`;

/** The commit object's content, in git's format. */
export function commitContent(commit: CommitFields, date: string): Buffer {
  const headers = [
    `tree ${commit.tree}\n`,
    ...commit.parents.map((parent) => `parent ${parent}\n`),
    `author ${signature(commit.author, date)}\n`,
    `committer ${signature(commit.committer, date)}\n`,
  ];
  return Buffer.from(`${headers.join('')}\n${commit.message}`, 'utf8');
}

/**
 * Writes the commit and returns its id: in-process for plain inputs, else through
 * `git commit-tree`, which refuses or rewrites them its own way. `when` is the commit's date.
 */
export async function writeCommitObject(
  gitDir: string,
  commit: CommitFields,
  when: Date = new Date(),
): Promise<string> {
  const date = gitDate(when);
  if (await isPlainCommit(gitDir, commit)) {
    return writeLooseObject(gitDir, 'commit', commitContent(commit, date));
  }
  const parents = commit.parents.flatMap((parent) => ['-p', parent]);
  return gitText(gitDir, ['commit-tree', commit.tree, ...parents, '-F', '-'], {
    input: commit.message,
    env: {
      GIT_AUTHOR_NAME: commit.author.name,
      GIT_AUTHOR_EMAIL: commit.author.email,
      GIT_AUTHOR_DATE: `@${date}`,
      GIT_COMMITTER_NAME: commit.committer.name,
      GIT_COMMITTER_EMAIL: commit.committer.email,
      GIT_COMMITTER_DATE: `@${date}`,
    },
  });
}
