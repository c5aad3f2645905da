// The rule reference under docs/rules/, generated from the rule data so that the CLI's `explain`,
// the check-run links (help URIs) and the published docs say the same thing.

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
    '| Rule | Chapter | Kind | Severity | Area | Title |',
    '| --- | --- | --- | --- | --- | --- |',
    ...chapters.flatMap(({ chapter, rules: chapterRules }) => [...chapterRules].sort((a, b) => a.id.localeCompare(b.id)).map((rule) =>
      `| [\`${rule.id}\`](${chapterFolder(chapter)}.md#${rule.id}) | ${String(chapter)} | ${rule.kind} | ${rule.severity} | ${rule.area} | ${rule.title.replace(/\|/g, '\\|')} |`)),
    '',
  ].join('\n');
  return [{ file: 'README.md', text: index }, ...docs];
}
