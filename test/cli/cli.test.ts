// The `opsgrade` command end to end, in-process: exact exit codes, messages and output shapes.

import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/commands.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function run(args: string[], options: { env?: NodeJS.ProcessEnv; isTTY?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    cwd: ROOT,
    exitCode: 0,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('opsgrade review', () => {
  it('exits 1 on the weak repository and prints findings at their lines', async () => {
    const result = await run(['review', 'fixtures/repos/weak']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^healthcheck\.py:10:13: error http-call-without-timeout `requests\.get\(url \+ "\/health"\)` has no time limit/m);
    expect(result.stdout).toContain('healthcheck.py:12:5: error except-swallows-error');
    expect(result.stdout).toMatch(/Chapter 8 \(HTTP and REST APIs\): [\d.]+\/100 — below the pass mark of 70/);
  });

  it('exits 0 on the strong repository', async () => {
    const result = await run(['review', 'fixtures/repos/strong']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('shows unmet requirements on the empty chapter-7 repository and exits 1', async () => {
    const result = await run(['review', 'fixtures/repos/empty', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { chapter: number; grades: { percent: number; requirements: { met: boolean }[] }[] };
    expect(report.chapter).toBe(7);
    expect(report.grades[0]?.percent).toBeLessThan(100);
    expect(report.grades[0]?.requirements.every((requirement) => !requirement.met)).toBe(true);
  });

  it('exits 0 with --fail-on never, and --chapter overrides .opsgrade.yml', async () => {
    expect((await run(['review', 'fixtures/repos/weak', '--fail-on', 'never'])).code).toBe(0);
    const report = JSON.parse((await run(['review', 'fixtures/repos/weak', '--chapter', '4', '-f', 'json'])).stdout) as { chapter: number };
    expect(report.chapter).toBe(4);
  });

  it('exits 2 with a clear message for a missing path', async () => {
    const result = await run(['review', 'no/such/dir']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^opsgrade: .*no\/such\/dir/);
  });

  it('exits 2 naming the folder when --rules points nowhere', async () => {
    const result = await run(['rules', 'list', '--rules', 'no-such-rules', '--course', 'rules/course.yml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-rules:1:1: cannot read the rules folder (ENOENT)');
  });

  it('exits 2 for an unknown chapter and for an unknown format', async () => {
    const chapter = await run(['review', 'fixtures/repos/weak', '--chapter', '24']);
    expect(chapter.code).toBe(2);
    expect(chapter.stderr).toContain('--chapter: "24" is not a chapter; use 1-23, project-1..project-4 or all');
    const format = await run(['review', 'fixtures/repos/weak', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("option '-f, --format <format>' argument 'xml' is invalid");
  });

  it('exits 2 with file:line:col when a rule breaks the schema', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-rules-'));
    await cp(path.join(ROOT, 'rules'), dir, { recursive: true });
    const broken = path.join(dir, '08', 'http-call-without-timeout.yml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(broken, (await readFile(broken, 'utf8')).replace('severity: error', 'severity: critical'));
    const result = await run(['review', 'fixtures/repos/weak', '--rules', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/08\/http-call-without-timeout\.yml:\d+:11: `severity` must be one of: error, warning, info/);
  });

  it('exits 2 when .opsgrade.yml names no valid chapter', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-repo-'));
    await writeFile(path.join(dir, '.opsgrade.yml'), 'chapter: twelve\n');
    await writeFile(path.join(dir, 'a.py'), 'print(1)\n');
    const result = await run(['review', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('.opsgrade.yml: chapter: "twelve" is not a chapter');
  });

  it('colours only on a TTY without NO_COLOR', async () => {
    const plain = await run(['review', 'fixtures/repos/weak'], { isTTY: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = await run(['review', 'fixtures/repos/weak'], { isTTY: true, env: {} });
    expect(coloured.stdout).toContain('\u001b[');
    const piped = await run(['review', 'fixtures/repos/weak'], { isTTY: false, env: {} });
    expect(piped.stdout).not.toContain('\u001b[');
  });

  it('completes on the bad-input corpus with notices', async () => {
    const result = await run(['review', 'fixtures/repos/bad-input', '--chapter', '6', '--format', 'json']);
    const report = JSON.parse(result.stdout) as { notices: { kind: string }[]; findings: { ruleId: string; path?: string; range?: { start: { line: number } } }[] };
    expect(result.code).toBe(1);
    const kinds = new Set(report.notices.map((notice) => notice.kind));
    for (const kind of ['binary-file', 'not-utf8', 'file-too-large', 'symlink-skipped']) expect(kinds).toContain(kind);
    expect(report.findings.some((finding) => finding.ruleId === 'syntax-error' && finding.path === 'broken.py')).toBe(true);
    // The rest of a file with a syntax error is still checked.
    expect(report.findings.some((finding) => finding.ruleId === 'subprocess-shell-with-dynamic-command' && finding.path === 'broken.py')).toBe(true);
  });

  it('reviews a walked directory that is not a git work tree', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-walk-'));
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src', 'app.py'), 'import requests\nrequests.get("https://x")\n');
    const result = await run(['review', dir, '--chapter', '8']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('src/app.py:2:1: error http-call-without-timeout');
  });
});

describe('opsgrade rules', () => {
  it('lists rules with their chapter', async () => {
    const result = await run(['rules', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^http-call-without-timeout\s+8\s+violation\s+error\s+HTTP request without a timeout$/m);
  });

  it('explains a rule from its docs, and suggests a near id for a typo', async () => {
    const result = await run(['rules', 'explain', 'http-call-without-timeout']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Why it matters\n {4}\S/m);
    expect(result.stdout).toMatch(/^http-call-without-timeout: HTTP request without a timeout\nViolation · error · chapter 8 · retries-timeouts\n/);
    const typo = await run(['rules', 'explain', 'http-call-without-timout']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean: http-call-without-timeout');
  });

  it('tests rules against their fixtures and ends with a count', async () => {
    const result = await run(['rules', 'test', 'http-call-without-timeout', 'aws-access-key-id']);
    expect(result.stdout).toBe('rules: 2 passed, 0 failed\n');
    expect(result.code).toBe(0);
  });
});

describe('the installed bin', () => {
  it('runs as a process and prints help with the exit codes', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'src/cli/main.ts'), '--help']);
    expect(stdout).toContain('Exit codes:');
    expect(stdout).toContain('2  usage or configuration error');
  });
});
