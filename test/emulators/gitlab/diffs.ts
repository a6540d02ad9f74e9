import { git } from '../codecommit/git.ts';
import { EMPTY_TREE } from './repository.ts';

interface RawChange {
  status: string;
  oldMode: string;
  newMode: string;
  oldPath: string;
  newPath: string;
}

/** `git diff-tree -r -z -M` raw output: `:<old mode> <new mode> <old> <new> <status>\0<path>\0[<path>\0]`. */
function parseRaw(output: Buffer): RawChange[] {
  const fields = output.toString('utf8').split('\0');
  const changes: RawChange[] = [];
  for (let index = 0; index < fields.length; ) {
    const header = fields[index++] ?? '';
    if (!header.startsWith(':')) continue;
    const [oldMode = '', newMode = '', , , status = ''] = header.slice(1).split(' ');
    const first = fields[index++] ?? '';
    const renamed = status.startsWith('R') || status.startsWith('C');
    const second = renamed ? (fields[index++] ?? '') : first;
    changes.push({ status: status.charAt(0), oldMode, newMode, oldPath: first, newPath: second });
  }
  return changes;
}

/** The unified diff of one change without its `diff --git`/`index`/`---`/`+++` header, as GitLab shows it. */
async function patchOf(gitDir: string, from: string, to: string, change: RawChange): Promise<string> {
  const paths = change.oldPath === change.newPath ? [change.newPath] : [change.oldPath, change.newPath];
  const output = (
    await git(gitDir, ['diff-tree', '-p', '-M', '--no-color', '--full-index', from, to, '--', ...paths])
  ).toString('utf8');
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.startsWith('@@') || line.startsWith('Binary files'));
  if (start === -1) return '';
  const end = lines.findIndex((line, index) => index > start && line.startsWith('diff --git '));
  const body = lines.slice(start, end === -1 ? undefined : end).join('\n');
  return end === -1 ? body : `${body}\n`;
}

/** `API::Entities::Diff` for every file that differs between two commits (renames detected). */
export async function diffEntities(
  gitDir: string,
  from: string | undefined,
  to: string,
): Promise<Array<Record<string, unknown>>> {
  const before = from ?? EMPTY_TREE;
  const raw = await git(gitDir, ['diff-tree', '-r', '-z', '-M', '--no-commit-id', before, to]);
  const entities: Array<Record<string, unknown>> = [];
  for (const change of parseRaw(raw)) {
    entities.push({
      diff: await patchOf(gitDir, before, to, change),
      collapsed: false,
      too_large: false,
      new_path: change.newPath,
      old_path: change.oldPath,
      a_mode: change.status === 'A' ? '0' : change.oldMode,
      b_mode: change.status === 'D' ? '0' : change.newMode,
      new_file: change.status === 'A',
      renamed_file: change.status === 'R',
      deleted_file: change.status === 'D',
      generated_file: false,
    });
  }
  return entities;
}
