// The `opsgrade` executable as a process: how Node is started, and how it ends when its reader
// goes away.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHEBANG = readFileSync(path.join(ROOT, 'src/cli/bin.ts'), 'utf8').split('\n')[0] ?? '';
const nodeFlags = (command: string) => /\bnode((?:\s+--?[\w-]+(?:=\S+)?)*)\s/.exec(`${command} `)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];

describe('the opsgrade executable', () => {
  it('starts Node with the same flags from its #! line and from `npm run opsgrade`', () => {
    const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.opsgrade ?? '';
    expect(SHEBANG).toMatch(/^#!\/usr\/bin\/env -S node /);
    expect(nodeFlags(SHEBANG)).toEqual(['--max-semi-space-size=8']);
    expect(nodeFlags(script)).toEqual(nodeFlags(SHEBANG));
  });

  it('stops quietly with its exit code when the reader closes the pipe early (`| head`)', async () => {
    // The fixtures have findings: the review's exit code is 1, and stays 1.
    const child = spawn(process.execPath, [...nodeFlags(SHEBANG), 'src/cli/bin.ts', 'review', 'fixtures', '--chapter', 'all', '--format', 'sarif'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });
});
