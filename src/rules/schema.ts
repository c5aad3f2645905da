// The JSON Schema of a rule file (`rules/<chapter>/<id>.yml`) and of the course file. One source:
// the predicate and check names come from their vocabularies, `schema/*.schema.json` is generated
// from here for editors (`npm run schemas`), and a test fails when the published copy drifts.

import { PREDICATES } from '../analysis/predicates.ts';
import { REPOSITORY_CHECKS } from '../analysis/repository-checks.ts';
import { AREAS, SEVERITIES } from './rule.ts';

const text = (description: string, maxLength = 2000) => ({ type: 'string', minLength: 1, maxLength, description });

const chapterId = {
  description: 'A chapter number 1–23, or a final project `project-1` … `project-4`.',
  oneOf: [
    { type: 'integer', minimum: 1, maximum: 23 },
    { type: 'string', pattern: '^project-[1-4]$' },
  ],
};

/** `{ name: { …args } }`: exactly one key, the vocabulary entry's name. */
function vocabularyCall(names: string[], description: string) {
  return {
    type: 'object',
    description,
    minProperties: 1,
    maxProperties: 1,
    propertyNames: { enum: names },
    additionalProperties: { type: 'object' },
  };
}

const globList = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };

export const ruleSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://opsgrade.dev/schema/rule.schema.json',
  title: 'OpsGrade rule',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'chapter', 'kind', 'area', 'title', 'severity', 'message', 'docs', 'fix', 'equivalents', 'match'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Kebab-case; equal to the file name.' },
    chapter: chapterId,
    kind: { enum: ['violation', 'requirement'] },
    area: { enum: [...AREAS] },
    title: text('Short title, sentence case.', 120),
    severity: { enum: [...SEVERITIES] },
    message: text('Learner-facing message; `{capture}` placeholders are filled from the match.', 400),
    docs: {
      type: 'object',
      additionalProperties: false,
      required: ['what', 'why', 'example', 'instead'],
      properties: {
        what: text('What the rule detects.'),
        why: text('Why it matters in operations work.'),
        example: text('Code that is reported.'),
        instead: text('The same code, written as the course teaches.'),
      },
    },
    fix: {
      type: 'object',
      additionalProperties: false,
      required: ['hint'],
      properties: {
        hint: text('How to fix it, in one or two sentences.', 600),
        replacement: {
          type: 'object',
          additionalProperties: false,
          required: ['template', 'safety'],
          properties: {
            template: { type: 'string', description: 'Rewrite of the reported node with `{capture}` placeholders.' },
            safety: { enum: ['safe', 'unsafe'] },
            target: { type: 'string', description: 'Capture to replace instead of the reported one.' },
          },
        },
      },
    },
    equivalents: {
      type: 'array',
      items: { type: 'string', pattern: '^(ruff|bandit|pylint|semgrep|gitleaks|detect-secrets|flake8|mypy|shellcheck|hadolint|sp-repo-review|deptry|pre-commit):[^\\s]+$' },
      uniqueItems: true,
    },
    requirement: {
      type: 'object',
      additionalProperties: false,
      required: ['met'],
      properties: {
        'min-count': { type: 'integer', minimum: 1 },
        'unless-violated': { type: 'array', items: { type: 'string' } },
        met: text('Learner-facing sentence for "done well" when the requirement is met.', 400),
      },
    },
    match: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: ['python', 'repository', 'text', 'engine'] } },
      // Validate only the branch `kind` names, so errors speak about that matcher kind alone.
      discriminator: { propertyName: 'kind' },
      oneOf: [
        {
          additionalProperties: false,
          required: ['kind', 'query', 'report'],
          properties: {
            kind: { const: 'python' },
            query: text('tree-sitter-python query.', 20000),
            report: { type: 'string', pattern: '^[A-Za-z_][\\w.-]*$', description: 'Capture name (without @) to report.' },
            where: { type: 'array', items: vocabularyCall(Object.keys(PREDICATES), 'One predicate call.') },
            paths: globList,
            'exclude-paths': globList,
          },
        },
        {
          additionalProperties: false,
          required: ['kind', 'check'],
          properties: {
            kind: { const: 'repository' },
            check: vocabularyCall(Object.keys(REPOSITORY_CHECKS), 'One repository check.'),
          },
        },
        {
          additionalProperties: false,
          required: ['kind', 'patterns'],
          properties: {
            kind: { const: 'text' },
            patterns: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
            paths: globList,
            'exclude-paths': globList,
            allow: { type: 'array', items: { type: 'string', minLength: 1 } },
            'min-entropy': { type: 'number', minimum: 0, maximum: 8 },
          },
        },
        { additionalProperties: false, required: ['kind'], properties: { kind: { const: 'engine' } } },
      ],
    },
  },
} as const;

export const courseSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://opsgrade.dev/schema/course.schema.json',
  title: 'OpsGrade course',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'docs-url', 'threshold', 'deduction', 'max-findings-per-rule', 'violation-budget', 'chapters'],
  properties: {
    name: text('Course name.', 200),
    'docs-url': { type: 'string', pattern: '^https?://', description: 'Base URL of the rule reference; `#<rule-id>` is appended.' },
    threshold: { type: 'number', minimum: 0, maximum: 100 },
    deduction: {
      type: 'object',
      additionalProperties: false,
      required: ['error', 'warning', 'info'],
      properties: { error: { type: 'number', minimum: 0 }, warning: { type: 'number', minimum: 0 }, info: { type: 'number', minimum: 0 } },
    },
    'max-findings-per-rule': { type: 'integer', minimum: 1 },
    'violation-budget': { type: 'number', minimum: 0 },
    'suppressions-restore-points': { type: 'boolean' },
    chapters: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'requirements'],
        properties: {
          id: chapterId,
          title: text('Chapter title.', 200),
          threshold: { type: 'number', minimum: 0, maximum: 100 },
          requirements: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['rule', 'points'],
              properties: { rule: { type: 'string' }, points: { type: 'number', exclusiveMinimum: 0 } },
            },
          },
          points: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
          disabled: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;
