// Generated files must match the rule data: run `npm run generate` after changing rules or schemas.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { schemaFiles } from '../../scripts/generate.ts';
import { generateRuleDocs } from '../../src/rules/docs.ts';
import { loadRubric, PACKAGE_ROOT } from '../../src/rules/load.ts';

describe('generated files', () => {
  it('docs/rules/ is up to date with the rules', async () => {
    const rubric = await loadRubric();
    const expected = generateRuleDocs(rubric.rules, rubric.course);
    const actual = (await readdir(path.join(PACKAGE_ROOT, 'docs/rules'))).sort();
    expect(actual).toEqual(expected.map((doc) => doc.file).sort());
    for (const doc of expected) {
      expect(await readFile(path.join(PACKAGE_ROOT, 'docs/rules', doc.file), 'utf8'), `docs/rules/${doc.file} is stale: run npm run generate`).toBe(doc.text);
    }
  });

  it('every help URI points at an anchor that exists in the generated docs', async () => {
    const rubric = await loadRubric();
    const docs = new Map(generateRuleDocs(rubric.rules, rubric.course).map((doc) => [doc.file, doc.text]));
    const { helpUri } = await import('../../src/review.ts');
    for (const rule of rubric.rules) {
      const [file = '', anchor = ''] = helpUri(rule, rubric.course.docsUrl).split('/').pop()?.split('#') ?? [];
      expect(docs.get(file), rule.id).toContain(`<a id="${anchor}"></a>`);
    }
  });

  it('the published schemas equal the ones the loader validates with', async () => {
    for (const schema of schemaFiles()) {
      expect(await readFile(path.join(PACKAGE_ROOT, schema.file), 'utf8'), `${schema.file} is stale: run npm run generate`).toBe(schema.text);
    }
  });
});
