// Worker thread for the parse and rule stages: rebuilds the rubric from its source files once,
// then analyses batches of files sent by `analyseInWorkers`.

import { parentPort } from 'node:worker_threads';

import { buildRubric } from '../rules/load.ts';
import type { LoadedRule, Rubric, RubricSources } from '../rules/load.ts';
import type { SnapshotFile } from '../snapshot/snapshot.ts';
import { releaseParseTrees } from '../parse/memory.ts';
import { analyseFile } from './file-analysis.ts';

export type WorkerRequest =
  | { kind: 'init'; sources: RubricSources }
  | { kind: 'analyse'; batch: number; files: SnapshotFile[]; matching: string[] };

let rubric: Rubric | undefined;
let rulesById: Map<string, LoadedRule> | undefined;

parentPort?.on('message', (request: WorkerRequest) => {
  void handle(request);
});

async function handle(request: WorkerRequest): Promise<void> {
  try {
    if (request.kind === 'init') {
      rubric = buildRubric(request.sources.ruleFiles, request.sources.courseFile);
      rulesById = new Map(rubric.rules.map((rule) => [rule.id, rule]));
      parentPort?.postMessage({ kind: 'ready' });
      return;
    }
    if (!rubric || !rulesById) throw new Error('worker used before init');
    const matching = new Set(request.matching);
    const results = request.files.map((file) => analyseFile(rubric as Rubric, file, matching, rulesById as Map<string, LoadedRule>));
    parentPort?.postMessage({ kind: 'done', batch: request.batch, results });
    await releaseParseTrees();
  } catch (error) {
    parentPort?.postMessage({ kind: 'error', message: (error as Error).stack ?? String(error) });
  }
}
