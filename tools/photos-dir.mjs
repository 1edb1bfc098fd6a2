// Where the shared test photos are (never part of the site): $HV_PHOTOS_DIR
// if set, else `shared/photos` beside the repository. A git worktree (whose
// `.git` is a file naming the main repository's git directory) looks beside
// the main checkout, so tests run the same from any worktree.
import fs from 'node:fs';
import path from 'node:path';

export function photosDir(repoRoot) {
  if (process.env.HV_PHOTOS_DIR) return path.resolve(process.env.HV_PHOTOS_DIR);
  const beside = path.resolve(repoRoot, '..', 'shared', 'photos');
  if (fs.existsSync(beside)) return beside;
  try {
    const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(path.join(repoRoot, '.git'), 'utf8'));
    // <main>/.git/worktrees/<name> -> <main>
    if (m) return path.resolve(m[1].trim(), '..', '..', '..', '..', 'shared', 'photos');
  } catch {
    // Not a worktree: the photos are simply missing.
  }
  return beside;
}
