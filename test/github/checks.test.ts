// The check-run sender splits annotations into requests of at most 50 and concludes only in the last.

import { describe, expect, it } from 'vitest';

import { completionRequests } from '../../src/github/checks.ts';
import type { Annotation, CheckRunCompletion } from '../../src/github/payloads.ts';

const annotation = (line: number): Annotation => ({ path: 'a.py', start_line: line, end_line: line, annotation_level: 'warning', message: `m${line}` });
const completion = (count: number): CheckRunCompletion => ({
  conclusion: 'failure', title: 'T', summary: 'S', annotations: Array.from({ length: count }, (_, index) => annotation(index + 1)),
  actions: [{ label: 'Re-run review', description: 'Review this commit again', identifier: 'rerun' }],
});
const at = new Date('2026-01-02T03:04:05.000Z');

describe('completionRequests', () => {
  it('sends 120 annotations in three requests of 50, 50 and 20, concluding only with the last', () => {
    const bodies = completionRequests(completion(120), at);
    expect(bodies.map((body) => body.output.annotations?.length)).toEqual([50, 50, 20]);
    expect(bodies.map((body) => body.conclusion)).toEqual([undefined, undefined, 'failure']);
    expect(bodies[2]).toMatchObject({ completed_at: '2026-01-02T03:04:05.000Z', actions: [{ identifier: 'rerun' }] });
    expect(bodies.flatMap((body) => body.output.annotations ?? []).map((item) => item.start_line)).toEqual(Array.from({ length: 120 }, (_, index) => index + 1));
  });

  it('concludes in one request without annotations, and with exactly 50', () => {
    expect(completionRequests(completion(0), at)).toEqual([{ output: { title: 'T', summary: 'S' }, conclusion: 'failure', completed_at: '2026-01-02T03:04:05.000Z', actions: completion(0).actions }]);
    expect(completionRequests(completion(50), at)).toHaveLength(1);
    expect(completionRequests(completion(51), at).map((body) => body.output.annotations?.length)).toEqual([50, 1]);
  });

  it('sets details_url only where the completion has one', () => {
    const [body] = completionRequests({ ...completion(0), conclusion: 'action_required', detailsUrl: 'https://github.com/o/.github/blob/HEAD/.github/opsgrade.yml' }, at);
    expect(body?.details_url).toBe('https://github.com/o/.github/blob/HEAD/.github/opsgrade.yml');
  });
});
