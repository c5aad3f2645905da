// Writes the generated files: the rule reference (docs/rules/) and the published JSON Schemas
// (schema/rule.schema.json, schema/course.schema.json). `npm test` fails when they are stale.

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { generateRuleDocs } from '../src/rules/docs.ts';
import { loadRubric, PACKAGE_ROOT } from '../src/rules/load.ts';
import { courseSchema, ruleSchema } from '../src/rules/schema.ts';

export function schemaFiles(): { file: string; text: string }[] {
  return [
    { file: 'schema/rule.schema.json', text: `${JSON.stringify(ruleSchema, null, 2)}\n` },
    { file: 'schema/course.schema.json', text: `${JSON.stringify(courseSchema, null, 2)}\n` },
  ];
}

async function main(): Promise<void> {
  const rubric = await loadRubric();
  const docsDir = path.join(PACKAGE_ROOT, 'docs', 'rules');
  await mkdir(docsDir, { recursive: true });
  for (const stale of await readdir(docsDir)) await rm(path.join(docsDir, stale));
  for (const doc of generateRuleDocs(rubric.rules, rubric.course)) await writeFile(path.join(docsDir, doc.file), doc.text);
  for (const schema of schemaFiles()) await writeFile(path.join(PACKAGE_ROOT, schema.file), schema.text);
  console.log(`wrote docs/rules/ (${rubric.rules.length} rules) and ${schemaFiles().length} schemas`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
