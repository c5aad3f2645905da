// Repository-level checks: facts about the whole snapshot (files present, TOML keys, what
// `.gitignore` ignores, pinned requirements, entry points). A rule's `check:` names one of these.

import ignore from 'ignore';
import { parse as parseToml } from 'smol-toml';

import type { Snapshot } from '../snapshot/snapshot.ts';
import { convertParam, pathMatcher } from './predicates.ts';
import type { ParamSpec } from './predicates.ts';

/** One place a repository check points at; `values` fill the rule message's placeholders. */
export interface RepositoryHit {
  path?: string;
  line?: number;
  values: Record<string, string>;
}

export type CompiledCheck = (snapshot: Snapshot) => RepositoryHit[];

export interface RepositoryCheckDefinition {
  description: string;
  params: Record<string, ParamSpec>;
  compile(args: Record<string, unknown>): CompiledCheck;
}

const globs = (description: string, isRequired = true): ParamSpec => ({ spec: { type: 'globs' }, required: isRequired, description });
const strings = (description: string): ParamSpec => ({ spec: { type: 'strings' }, required: true, description });
const text = (description: string): ParamSpec => ({ spec: { type: 'string' }, required: true, description });
const regex = (description: string): ParamSpec => ({ spec: { type: 'regex' }, required: true, description });

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let at = source.indexOf('\n'); at !== -1 && at < index; at = source.indexOf('\n', at + 1)) line += 1;
  return line;
}

function matchingPaths(snapshot: Snapshot, include: string[], exclude: string[] = []): string[] {
  const included = pathMatcher(include);
  const excluded = exclude.length > 0 ? pathMatcher(exclude) : () => false;
  return snapshot.paths.filter((path) => included(path) && !excluded(path));
}

type TomlTable = Record<string, unknown>;

function readToml(snapshot: Snapshot, path: string): TomlTable | undefined {
  const file = snapshot.files.get(path);
  if (!file) return undefined;
  try {
    return parseToml(file.text);
  } catch {
    return undefined;
  }
}

function tomlHas(table: TomlTable, dotted: string): boolean {
  let current: unknown = table;
  for (const key of dotted.split('.')) {
    if (typeof current !== 'object' || current === null || !(key in current)) return false;
    current = (current as TomlTable)[key];
  }
  return true;
}

/** Line of `[a.b]` or of `key =` inside it, for pointing at a TOML key. */
function tomlKeyLine(source: string, dotted: string): number | undefined {
  const parts = dotted.split('.');
  const header = new RegExp(`^\\[\\s*${parts.map(escape).join('\\s*\\.\\s*')}\\s*\\]`, 'm').exec(source);
  if (header) return lineOf(source, header.index);
  const key = parts.pop() ?? '';
  const table = parts.length > 0 ? new RegExp(`^\\[\\s*${parts.map(escape).join('\\s*\\.\\s*')}\\s*\\]`, 'm').exec(source) : { index: 0 };
  if (!table) return undefined;
  const keyMatch = new RegExp(`^\\s*["']?${escape(key)}["']?\\s*=`, 'm').exec(source.slice(table.index));
  return keyMatch ? lineOf(source, table.index + keyMatch.index) : undefined;
}

function escape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function gitignoreMatcher(snapshot: Snapshot): ((path: string) => boolean) | undefined {
  const file = snapshot.files.get('.gitignore');
  if (!file) return undefined;
  const matcher = ignore().add(file.text);
  return (path) => matcher.ignores(path);
}

const REQUIREMENT_LINE = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/;

/** Module search roots for `module:function` entry points, in the order Python packaging uses them. */
function moduleCandidates(module: string): string[] {
  const relative = module.split('.').join('/');
  return ['src/', ''].flatMap((root) => [`${root}${relative}.py`, `${root}${relative}/__init__.py`]);
}

/** `__version__ = "1.2.3"` at the start of a line, optionally annotated `: str`. */
const DUNDER_VERSION = /^__version__\s*(?::\s*str\s*)?=\s*(['"])([^'"\n]+)\1/gm;

/**
 * Names a test could import the project by: top-level modules and packages at the root or under
 * `src/`, and the stem of every other `.py` file (scripts that tests reach through `sys.path`).
 */
function localModuleNames(paths: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const path of paths) {
    if (!path.endsWith('.py')) continue;
    const parts = path.split('/');
    const stem = (parts.pop() ?? '').replace(/\.py$/, '');
    if (stem !== '__init__' && stem !== '__main__') names.add(stem);
    const top = parts[0] === 'src' ? parts[1] : parts[0];
    if (top !== undefined) names.add(top);
  }
  for (const name of ['tests', 'test', 'conftest', 'setup', 'noxfile']) names.delete(name);
  return names;
}

/** Top-level module names a line imports (`import a.b, c` → a, c; `from a.b import c` → a); relative imports give none. */
function importedTopLevelNames(line: string): string[] {
  const from = /^\s*from\s+([A-Za-z_]\w*)[\w.]*\s+import\b/.exec(line);
  if (from?.[1]) return [from[1]];
  const plain = /^\s*import\s+([A-Za-z_][\w.]*(?:\s+as\s+\w+)?(?:\s*,\s*[A-Za-z_][\w.]*(?:\s+as\s+\w+)?)*)/.exec(line);
  if (!plain?.[1]) return [];
  return plain[1].split(',').map((item) => item.trim().split(/[.\s]/)[0] ?? '').filter(Boolean);
}

export const REPOSITORY_CHECKS = {
  'files-present': {
    description: 'One hit per path matching the globs (and none of `exclude`). Sees skipped binary files too.',
    params: { globs: globs('Path globs.'), exclude: globs('Path globs to leave out.', false) },
    compile(args) {
      return (snapshot) => matchingPaths(snapshot, args.globs as string[], args.exclude as string[] | undefined)
        .map((path) => ({ path, values: { path } }));
    },
  },
  'paths-present': {
    description: 'One hit per file or folder matching the globs; a matching folder is reported once, at the first file inside it, not once per file.',
    params: { globs: globs('Globs for files or folders, e.g. `**/__pycache__`, `dist/*.whl`.'), exclude: globs('Path globs to leave out.', false) },
    compile(args) {
      const included = pathMatcher(args.globs as string[]);
      const exclude = args.exclude as string[] | undefined;
      const excluded = exclude ? pathMatcher(exclude) : () => false;
      return (snapshot) => {
        const seen = new Set<string>();
        const hits: RepositoryHit[] = [];
        for (const path of snapshot.paths) {
          if (excluded(path)) continue;
          const parts = path.split('/');
          for (let length = 1; length <= parts.length; length += 1) {
            const candidate = parts.slice(0, length).join('/');
            if (!included(candidate)) continue;
            if (!seen.has(candidate)) {
              seen.add(candidate);
              // Pointing at a real file keeps the finding annotatable; the message names the folder.
              hits.push({ path, values: { path: length < parts.length ? `${candidate}/` : candidate } });
            }
            break;
          }
        }
        return hits;
      };
    },
  },
  'module-name-shadowing': {
    description: 'One hit per top-level module (`name.py` or `name/__init__.py` in a folder that is not inside a package or under `src/<package>/`) named like one of `modules`: run from there, it is imported instead of the real module.',
    params: { modules: strings('Module names, e.g. `json`, `requests`.'), exclude: globs('Path globs to leave out.', false) },
    compile(args) {
      const names = new Set(args.modules as string[]);
      return (snapshot) => {
        const present = new Set(snapshot.paths);
        const insidePackage = (folders: string[]): boolean => {
          if (folders[0] === 'src' && folders.length >= 2) return true;
          for (let length = 1; length <= folders.length; length += 1) {
            if (present.has(`${folders.slice(0, length).join('/')}/__init__.py`)) return true;
          }
          return false;
        };
        return matchingPaths(snapshot, ['**/*.py'], args.exclude as string[] | undefined).flatMap((path) => {
          const folders = path.split('/');
          const file = folders.pop() ?? '';
          const name = file === '__init__.py' ? folders.pop() ?? '' : file.slice(0, -'.py'.length);
          if (!names.has(name) || insidePackage(folders)) return [];
          return [{ path, values: { path, module: name } }];
        });
      };
    },
  },
  'files-absent': {
    description: 'One repository-wide hit when no path matches the globs (only if some path matches `when`).',
    params: { globs: globs('Path globs; any one present satisfies.'), when: globs('Only check when these exist.', false) },
    compile(args) {
      return (snapshot) => {
        const when = args.when as string[] | undefined;
        if (when && matchingPaths(snapshot, when).length === 0) return [];
        return matchingPaths(snapshot, args.globs as string[]).length === 0
          ? [{ values: { globs: (args.globs as string[]).join(', ') } }] : [];
      };
    },
  },
  'file-contains': {
    description: 'One hit per line of a matching text file that matches the regular expression.',
    params: { globs: globs('Path globs.'), regex: regex('Regular expression, tested line by line.'), exclude: globs('Path globs to leave out.', false) },
    compile(args) {
      const pattern = args.regex as RegExp;
      return (snapshot) => matchingPaths(snapshot, args.globs as string[], args.exclude as string[] | undefined).flatMap((path) => {
        const file = snapshot.files.get(path);
        if (!file) return [];
        return file.text.split('\n').flatMap((line, index) => {
          const found = pattern.exec(line);
          return found ? [{ path, line: index + 1, values: { path, match: found[0] } }] : [];
        });
      });
    },
  },
  'file-lacks': {
    description: 'One hit per matching text file whose content does not match the regular expression.',
    params: { globs: globs('Path globs.'), regex: regex('Regular expression over the whole file.') },
    compile(args) {
      const pattern = args.regex as RegExp;
      return (snapshot) => matchingPaths(snapshot, args.globs as string[])
        .filter((path) => { const file = snapshot.files.get(path); return file !== undefined && !pattern.test(file.text); })
        .map((path) => ({ path, values: { path } }));
    },
  },
  'toml-key-missing': {
    description: 'When the TOML file exists, one hit per dotted key it lacks (an unparsable file lacks every key).',
    params: { file: text('Path of the TOML file.'), keys: strings('Dotted keys, e.g. `build-system`, `project.name`.') },
    compile(args) {
      return (snapshot) => {
        const path = args.file as string;
        if (!snapshot.files.has(path)) return [];
        const table = readToml(snapshot, path) ?? {};
        return (args.keys as string[]).filter((key) => !tomlHas(table, key)).map((key) => ({ path, values: { path, key } }));
      };
    },
  },
  'toml-key-present': {
    description: 'One hit per dotted key the TOML file has, at its line.',
    params: { file: text('Path of the TOML file.'), keys: strings('Dotted keys.') },
    compile(args) {
      return (snapshot) => {
        const path = args.file as string;
        const table = readToml(snapshot, path);
        const source = snapshot.files.get(path)?.text ?? '';
        if (!table) return [];
        return (args.keys as string[]).filter((key) => tomlHas(table, key))
          .map((key) => ({ path, line: tomlKeyLine(source, key), values: { path, key } }));
      };
    },
  },
  'toml-invalid': {
    description: 'One hit when the TOML file exists but does not parse; the message is in `{error}`.',
    params: { file: text('Path of the TOML file.') },
    compile(args) {
      return (snapshot) => {
        const path = args.file as string;
        const file = snapshot.files.get(path);
        if (!file) return [];
        try {
          parseToml(file.text);
          return [];
        } catch (error) {
          const line = (error as { line?: number }).line;
          return [{ path, line, values: { path, error: (error as Error).message.split('\n')[0] ?? '' } }];
        }
      };
    },
  },
  'gitignore-not-ignoring': {
    description: 'One hit per path that the root `.gitignore` does not ignore (all of them when there is none).',
    params: { paths: strings('Paths as git sees them; end directories with `/`.'), when: globs('Only check when these exist.', false) },
    compile(args) {
      return (snapshot) => {
        const when = args.when as string[] | undefined;
        if (when && matchingPaths(snapshot, when).length === 0) return [];
        const ignores = gitignoreMatcher(snapshot);
        return (args.paths as string[]).filter((path) => !ignores?.(path))
          .map((path) => (ignores ? { path: '.gitignore', values: { path } } : { values: { path } }));
      };
    },
  },
  'gitignore-ignoring': {
    description: 'One hit per path that the root `.gitignore` ignores although it should be committed.',
    params: { paths: strings('Paths as git sees them.') },
    compile(args) {
      return (snapshot) => {
        const ignores = gitignoreMatcher(snapshot);
        if (!ignores) return [];
        return (args.paths as string[]).filter((path) => ignores(path)).map((path) => ({ path: '.gitignore', values: { path } }));
      };
    },
  },
  'requirements-unpinned': {
    description: 'One hit per requirement line that does not pin an exact version (`==` or a direct URL).',
    params: { globs: globs('Requirement files, e.g. `requirements*.txt`.') },
    compile(args) {
      return (snapshot) => matchingPaths(snapshot, args.globs as string[]).flatMap((path) => {
        const file = snapshot.files.get(path);
        if (!file) return [];
        return file.text.split('\n').flatMap((raw, index) => {
          // `pip-compile --generate-hashes` output: `name==1.0 \` with `--hash=...` on the same or next lines.
          const line = raw.replace(/\s+#.*$/, '').trim().replace(/\s*\\$/, '').replace(/\s+--hash[=\s]\S+/g, '').trim();
          if (line === '' || line.startsWith('#') || line.startsWith('-') || line.includes('://')) return [];
          const parsed = REQUIREMENT_LINE.exec(line);
          if (!parsed || /(^|[^=!<>~])===?\s*[^=\s*]+$/.test(parsed[3]?.split(';')[0]?.trim() ?? '') || /\s@\s/.test(line)) return [];
          return [{ path, line: index + 1, values: { path, requirement: line } }];
        });
      });
    },
  },
  'entry-points-unresolved': {
    description: 'One hit per `[project.scripts]` entry whose `module:function` does not resolve to a top-level def.',
    params: { file: text('Path of pyproject.toml.') },
    compile(args) {
      return (snapshot) => {
        const path = args.file as string;
        const table = readToml(snapshot, path);
        const source = snapshot.files.get(path)?.text ?? '';
        const scripts = (table?.project as TomlTable | undefined)?.scripts as Record<string, unknown> | undefined;
        if (!scripts) return [];
        return Object.entries(scripts).flatMap(([name, target]) => {
          const [module = '', attribute = ''] = String(target).split(':');
          const functionName = attribute.split('.')[0]?.trim() ?? '';
          const moduleFile = moduleCandidates(module.trim()).map((candidate) => snapshot.files.get(candidate)).find(Boolean);
          const defined = moduleFile !== undefined && functionName !== ''
            && new RegExp(`^(?:async\\s+)?(?:def|class)\\s+${escape(functionName)}\\b|^${escape(functionName)}\\s*=`, 'm').test(moduleFile.text);
          if (defined) return [];
          const reason = moduleFile ? `\`${functionName || '(no function)'}\` is not defined at the top of ${moduleFile.path}`
            : `no module file for \`${module}\` (looked in ${moduleCandidates(module.trim()).join(', ')})`;
          return [{ path, line: tomlKeyLine(source, `project.scripts.${name}`), values: { path, name, target: String(target), reason } }];
        });
      };
    },
  },
  'tests-import-local-code': {
    description: 'One hit per import line of a test file that imports the repository\'s own code: a module or package '
      + 'at the root, under `src/`, or any `.py` file outside the test files (scripts put on `sys.path`).',
    params: { globs: globs('Test file globs, e.g. `**/test_*.py`, `**/*_test.py`.'), exclude: globs('Path globs that are not project code.', false) },
    compile(args) {
      const isTest = pathMatcher(args.globs as string[]);
      const excluded = args.exclude ? pathMatcher(args.exclude as string[]) : () => false;
      return (snapshot) => {
        const local = localModuleNames(snapshot.paths.filter((path) => !isTest(path) && !excluded(path)));
        return snapshot.paths.filter(isTest).flatMap((path) => {
          const file = snapshot.files.get(path);
          if (!file) return [];
          return file.text.split('\n').flatMap((line, index) => importedTopLevelNames(line)
            .filter((name) => local.has(name)).slice(0, 1)
            .map((module) => ({ path, line: index + 1, values: { path, module } })));
        });
      };
    },
  },
  'version-mismatch': {
    description: 'One hit per `__version__ = "…"` literal that differs from the static `project.version` of the '
      + 'pyproject file (nothing when the version is dynamic or absent).',
    params: { file: text('Path of pyproject.toml.'), globs: globs('Files that may set `__version__`, e.g. `**/__init__.py`.') },
    compile(args) {
      return (snapshot) => {
        const path = args.file as string;
        const version = (readToml(snapshot, path)?.project as TomlTable | undefined)?.version;
        if (typeof version !== 'string') return [];
        const expected = version.trim().replace(/^v/i, '');
        return matchingPaths(snapshot, args.globs as string[]).flatMap((candidate) => {
          const source = snapshot.files.get(candidate)?.text ?? '';
          return [...source.matchAll(DUNDER_VERSION)].flatMap((found) => {
            const declared = (found[2] ?? '').trim();
            if (declared.replace(/^v/i, '') === expected) return [];
            return [{ path: candidate, line: lineOf(source, found.index), values: { path: candidate, version: declared, expected: version, pyproject: path } }];
          });
        });
      };
    },
  },
} satisfies Record<string, RepositoryCheckDefinition>;

export type RepositoryCheckName = keyof typeof REPOSITORY_CHECKS;

export { convertParam };
