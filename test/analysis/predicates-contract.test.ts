// Promises every predicate keeps, which the rule engine relies on.

import { describe, expect, it } from 'vitest';

import { PREDICATE_COSTS, PREDICATES } from '../../src/analysis/predicates.ts';
import type { ParamSpec, PredicateDefinition } from '../../src/analysis/predicates.ts';
import { SemanticModel } from '../../src/analysis/semantic.ts';
import { parsePython } from '../../src/parse/parse.ts';

/** The smallest valid value of a parameter. */
function sample(spec: ParamSpec['spec']): unknown {
  switch (spec.type) {
    case 'capture': return 'missing';
    case 'string': return 'x';
    case 'strings':
    case 'globs': return ['x'];
    case 'regex': return /x/u;
    case 'integer': return 0;
    case 'template': return 'x';
    case 'predicates': return [];
    case 'enum': return [spec.values[0]];
  }
}

describe('the predicate vocabulary', () => {
  it('is false for a capture the match does not have, for every predicate that takes one', () => {
    const text = 'import os\nx = os.getenv("X")\n';
    const file = parsePython({ path: 'a.py', text, bytes: text.length });
    const context = { file, model: new SemanticModel(file.tree), captures: new Map() };
    const checked: string[] = [];
    for (const [name, definition] of Object.entries(PREDICATES as Record<string, PredicateDefinition>)) {
      const params = Object.entries(definition.params);
      if (!params.some(([, param]) => param.spec.type === 'capture')) continue;
      const args = Object.fromEntries(params.map(([key, param]) => [key, sample(param.spec)]));
      expect(definition.compile(args)(context), name).toBe(false);
      checked.push(name);
    }
    expect(checked.length).toBeGreaterThan(30);
  });

  it('gives every predicate a cost, so a rule can test its cheap ones first', () => {
    expect(Object.keys(PREDICATE_COSTS).sort()).toEqual(Object.keys(PREDICATES).sort());
  });
});
