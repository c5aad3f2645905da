// The rule reference under docs/rules/, generated from the rule data so that the CLI's `explain`,
// the check-run links (help URIs) and the published docs say the same thing.

import { PREDICATES } from '../analysis/predicates.ts';
import type { ParamSpec, PredicateDefinition } from '../analysis/predicates.ts';
import { REPOSITORY_CHECKS } from '../analysis/repository-checks.ts';
import type { RepositoryCheckDefinition } from '../analysis/repository-checks.ts';
import { chapterLabel, chapterOrder } from '../rubric/course.ts';
import type { Course } from '../rubric/course.ts';
import { chapterFolder } from './load.ts';
import type { LoadedRule } from './load.ts';
import type { ChapterId } from './rule.ts';

export interface GeneratedDoc {
  /** Path under docs/rules/. */
  file: string;
  text: string;
}

const HEADER = '<!-- Generated from rules/ by `npm run generate`; edit the rule files, not this page. -->\n\n';

function fence(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${language}\n${text.trimEnd()}\n${marks}`;
}

function languageOf(rule: LoadedRule): string {
  return rule.match.kind === 'python' || rule.match.kind === 'engine' ? 'python' : '';
}

function ruleSection(rule: LoadedRule): string {
  const equivalents = rule.equivalents.length > 0 ? rule.equivalents.map((code) => `\`${code}\``).join(', ') : 'none';
  return [
    `<a id="${rule.id}"></a>`,
    `## ${rule.id}`,
    '',
    `**${rule.title}** · ${rule.kind} · ${rule.severity} · area: ${rule.area} · reported from ${chapterLabel(rule.chapter)} on`,
    '',
    `### What it detects`,
    '',
    rule.docs.what.trim(),
    '',
    `### Why it matters`,
    '',
    rule.docs.why.trim(),
    '',
    `### Example`,
    '',
    fence(rule.docs.example, languageOf(rule)),
    '',
    `### Use instead`,
    '',
    fence(rule.docs.instead, languageOf(rule)),
    '',
    `### How to fix`,
    '',
    rule.fix.hint.trim() + (rule.fix.replacement ? ` ${rule.fix.replacement.safety === 'safe' ? 'A one-click suggestion is offered on pull requests.' : 'A suggested rewrite is shown, to apply with care: it changes behaviour.'}` : ''),
    '',
    `Equivalent checks in other tools: ${equivalents}.`,
    '',
  ].join('\n');
}

/** One page per chapter (anchors per rule) and an index. */
export function generateRuleDocs(rules: readonly LoadedRule[], course: Course): GeneratedDoc[] {
  const byChapter = new Map<string, { chapter: ChapterId; rules: LoadedRule[] }>();
  for (const rule of rules) {
    const key = chapterFolder(rule.chapter);
    if (!byChapter.has(key)) byChapter.set(key, { chapter: rule.chapter, rules: [] });
    byChapter.get(key)?.rules.push(rule);
  }
  const chapters = [...byChapter.values()].sort((a, b) => chapterOrder(a.chapter) - chapterOrder(b.chapter));
  const titleOf = (chapter: ChapterId) => course.chapters.find((candidate) => candidate.id === chapter)?.title ?? chapterLabel(chapter);
  const docs: GeneratedDoc[] = chapters.map(({ chapter, rules: chapterRules }) => {
    const sorted = [...chapterRules].sort((a, b) => a.id.localeCompare(b.id));
    const toc = sorted.map((rule) => `- [\`${rule.id}\`](#${rule.id}): ${rule.title} (${rule.kind}, ${rule.severity})`).join('\n');
    return {
      file: `${chapterFolder(chapter)}.md`,
      text: `${HEADER}# ${chapterLabel(chapter).replace(/^./, (first) => first.toUpperCase())}: ${titleOf(chapter)}\n\n${toc}\n\n${sorted.map(ruleSection).join('\n')}`,
    };
  });
  const index = [
    `${HEADER}# Rule reference`,
    '',
    `${rules.length} rules and requirements for "${course.name}". A rule is reported in its chapter and every later one.`,
    '',
    'Writing a rule: the predicates a `where:` list can use and the repository checks are in [vocabulary.md](vocabulary.md).',
    '',
    '| Rule | Chapter | Kind | Severity | Area | Title |',
    '| --- | --- | --- | --- | --- | --- |',
    ...chapters.flatMap(({ chapter, rules: chapterRules }) => [...chapterRules].sort((a, b) => a.id.localeCompare(b.id)).map((rule) =>
      `| [\`${rule.id}\`](${chapterFolder(chapter)}.md#${rule.id}) | ${String(chapter)} | ${rule.kind} | ${rule.severity} | ${rule.area} | ${rule.title.replace(/\|/g, '\\|')} |`)),
    '',
  ].join('\n');
  return [{ file: 'README.md', text: index }, { file: 'vocabulary.md', text: vocabularyDoc() }, ...docs];
}

function describeParamType(spec: ParamSpec['spec']): string {
  switch (spec.type) {
    case 'capture': return 'capture name';
    case 'string': return 'string';
    case 'strings': return 'string or list of strings';
    case 'globs': return 'glob or list of globs';
    case 'regex': return 'regular expression';
    case 'integer': return 'integer';
    case 'template': return 'regular expression with `{@capture}` placeholders';
    case 'predicates': return 'list of predicate calls';
    case 'enum': return `one or more of ${spec.values.map((value) => `\`${value}\``).join(', ')}`;
  }
}

function vocabularySection(name: string, definition: { description: string; params: Record<string, ParamSpec> }): string {
  const rows = Object.entries(definition.params).map(([key, param]) =>
    `| \`${key}\` | ${param.required ? 'yes' : 'no'} | ${describeParamType(param.spec)} | ${param.description.replace(/\|/g, '\\|')} |`);
  return [`### \`${name}\``, '', definition.description, '', '| Parameter | Required | Type | Meaning |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

/** The predicate and repository-check vocabularies, from their definitions. */
function vocabularyDoc(): string {
  return [
    `${HEADER}# Rule vocabulary`,
    '',
    'A `python` rule\'s `where:` list holds predicate calls, `- name: { parameter: value, … }`; all must hold.',
    'Every predicate about a capture is false when the match has no such capture. A `repository` rule\'s',
    '`check:` is one repository check.',
    '',
    '## Predicates',
    '',
    ...Object.entries(PREDICATES as Record<string, PredicateDefinition>).sort(([a], [b]) => a.localeCompare(b)).map(([name, definition]) => vocabularySection(name, definition)),
    '## Repository checks',
    '',
    ...Object.entries(REPOSITORY_CHECKS as Record<string, RepositoryCheckDefinition>).sort(([a], [b]) => a.localeCompare(b)).map(([name, definition]) => vocabularySection(name, definition)),
  ].join('\n');
}
