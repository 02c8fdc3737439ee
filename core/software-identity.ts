/**
 * Which swarmscope measured a number (issue 13, the methods record): the package version and the
 * git commit it was built from. The commit comes from SWARMSCOPE_COMMIT (set by the Docker build)
 * or from the repository the code runs in; `unknown` when neither exists. `+dirty` marks a working
 * tree with uncommitted changes, so nobody cites a figure as coming from a commit it did not.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface SoftwareIdentity {
  name: string;
  version: string;
  commit: string;
}

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const GIT_TIMEOUT_MS = 2000;

let cached: SoftwareIdentity | undefined;

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, timeout: GIT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function commitOfCheckout(): string {
  const fromEnv = process.env.SWARMSCOPE_COMMIT?.trim();
  if (fromEnv && /^[0-9a-f]{7,40}$/i.test(fromEnv)) return fromEnv.toLowerCase();
  const head = git(['rev-parse', 'HEAD']);
  if (!head || !/^[0-9a-f]{40}$/.test(head)) return 'unknown';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${head}+dirty` : head;
}

export function softwareIdentity(): SoftwareIdentity {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    cached = { name: pkg.name, version: pkg.version, commit: commitOfCheckout() };
  }
  return cached;
}
