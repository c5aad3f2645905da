// Unit tests for the repository checks added for chapters 22–23: tests that import the project's
// own code (`tests-import-local-code`) and a `__version__` that disagrees with pyproject (`version-mismatch`).

import { describe, expect, it } from 'vitest';

import { REPOSITORY_CHECKS } from '../../src/analysis/repository-checks.ts';
import { resolveLimits, SnapshotBuilder } from '../../src/snapshot/builder.ts';
import type { Snapshot } from '../../src/snapshot/snapshot.ts';

function snapshot(files: Record<string, string>): Snapshot {
  const builder = new SnapshotBuilder(resolveLimits());
  for (const [path, text] of Object.entries(files)) {
    const bytes = new TextEncoder().encode(text);
    if (builder.admit(path, bytes.length)) builder.addContent(path, bytes);
  }
  return builder.build('test');
}

const testsImport = REPOSITORY_CHECKS['tests-import-local-code'].compile({
  globs: ['**/test_*.py', '**/*_test.py'],
  exclude: ['**/tests/**', '**/conftest.py'],
});

describe('tests-import-local-code', () => {
  it('finds imports of packages under src/, root modules and scripts, one hit per line', () => {
    const hits = testsImport(snapshot({
      'src/diskcheck/__init__.py': '',
      'src/diskcheck/cli.py': 'def main(): ...\n',
      'rotate.py': '',
      'scripts/cleanup_logs.py': '',
      'tests/helpers.py': '',
      'tests/test_cli.py': 'import os, pytest\nfrom diskcheck.cli import main\nimport rotate as r, json\nfrom . import helpers\nfrom helpers import x\n',
      'tests/test_scripts.py': 'import sys\nimport cleanup_logs\n',
    }));
    expect(hits).toEqual([
      { path: 'tests/test_cli.py', line: 2, values: { path: 'tests/test_cli.py', module: 'diskcheck' } },
      { path: 'tests/test_cli.py', line: 3, values: { path: 'tests/test_cli.py', module: 'rotate' } },
      { path: 'tests/test_scripts.py', line: 2, values: { path: 'tests/test_scripts.py', module: 'cleanup_logs' } },
    ]);
  });

  it('finds nothing when tests import only libraries and each other', () => {
    expect(testsImport(snapshot({
      'app.py': '',
      'tests/test_nothing.py': 'import pytest\nimport requests\nfrom tests.helpers import x\n',
      'tests/helpers.py': '',
    }))).toEqual([]);
  });
});

const versionMismatch = REPOSITORY_CHECKS['version-mismatch'].compile({ file: 'pyproject.toml', globs: ['**/__init__.py', '**/_version.py'] });

describe('version-mismatch', () => {
  it('reports a __version__ literal that differs from project.version, at its line', () => {
    const hits = versionMismatch(snapshot({
      'pyproject.toml': '[project]\nname = "diskcheck"\nversion = "1.4.0"\n',
      'src/diskcheck/__init__.py': '"""Disk checks."""\n__version__ = "1.3.2"\n',
      'src/diskcheck/_version.py': "__version__: str = 'v1.4.0'\n",
    }));
    expect(hits).toEqual([{
      path: 'src/diskcheck/__init__.py', line: 2,
      values: { path: 'src/diskcheck/__init__.py', version: '1.3.2', expected: '1.4.0', pyproject: 'pyproject.toml' },
    }]);
  });

  it('says nothing for dynamic versions or matching literals', () => {
    expect(versionMismatch(snapshot({
      'pyproject.toml': '[project]\nname = "diskcheck"\ndynamic = ["version"]\n',
      'src/diskcheck/__init__.py': '__version__ = "0.1.0"\n',
    }))).toEqual([]);
    expect(versionMismatch(snapshot({
      'pyproject.toml': '[project]\nname = "diskcheck"\nversion = "0.1.0"\n',
      'src/diskcheck/__init__.py': '__version__ = "0.1.0"\n',
    }))).toEqual([]);
  });
});
