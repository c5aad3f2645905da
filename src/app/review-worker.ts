// Worker thread that runs the review (`reviewSnapshot`) for the GitHub App, so the CPU-bound parse
// and rule stages never block the webhook server. It loads the rules once; each message brings the
// snapshot and the course to grade against (plain data; compiled rules cannot cross threads).

import { parentPort, workerData } from 'node:worker_threads';

import { helpUri, reviewSnapshot } from '../review.ts';
import type { Rubric } from '../review.ts';
import { loadRubric } from '../rules/load.ts';
import type { RubricInfo, WorkerReply, WorkerRequest, WorkerSetup } from './review-executor.ts';

const port = parentPort;
if (!port) throw new Error('review-worker.ts must run as a worker thread');

const setup = workerData as WorkerSetup;
let rubric: Rubric | undefined;
let loadError: string | undefined;
try {
  rubric = await loadRubric(setup.rulesDir ? { rulesDir: setup.rulesDir } : {});
} catch (error) {
  loadError = error instanceof Error ? error.message : String(error);
}

/** The rules as plain data for the main thread (compiled matchers stay here). */
function describe(loaded: Rubric): RubricInfo {
  return {
    course: loaded.course,
    rules: loaded.rules.map((rule) => ({ id: rule.id, kind: rule.kind, title: rule.title, docs: rule.docs, fix: rule.fix, helpUri: helpUri(rule, loaded.course.docsUrl) })),
  };
}

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (!rubric) throw new Error(`the rules could not be loaded: ${loadError ?? 'unknown error'}`);
    if (request.kind === 'describe') {
      reply = { id: request.id, rubric: describe(rubric) };
    } else {
      const { snapshot, course, chapter } = request.input;
      reply = { id: request.id, report: reviewSnapshot(snapshot, { rubric: { rules: rubric.rules, course }, chapter }) };
    }
  } catch (error) {
    reply = error instanceof Error
      ? { id: request.id, error: `${error.name}: ${error.message}`, ...(error.stack === undefined ? {} : { stack: error.stack }) }
      : { id: request.id, error: String(error) };
  }
  port.postMessage(reply);
});
