// Worker thread that runs the review (`reviewSnapshot`) for the GitHub App, so the CPU-bound parse
// and rule stages never block the webhook server. It loads the rules once; each message brings the
// snapshot and the course to grade against (plain data; compiled rules cannot cross threads).

import { parentPort, workerData } from 'node:worker_threads';

import { reviewSnapshot } from '../review.ts';
import type { Rubric } from '../review.ts';
import { loadRubric } from '../rules/load.ts';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './review-executor.ts';

const port = parentPort;
if (!port) throw new Error('review-worker.ts must run as a worker thread');

const setup = workerData as WorkerSetup;
let rules: Rubric['rules'] | undefined;
let loadError: string | undefined;
try {
  rules = (await loadRubric(setup.rulesDir ? { rulesDir: setup.rulesDir } : {})).rules;
} catch (error) {
  loadError = error instanceof Error ? error.message : String(error);
}

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (!rules) throw new Error(`the rules could not be loaded: ${loadError ?? 'unknown error'}`);
    const report = reviewSnapshot(request.snapshot, { rubric: { rules, course: request.course }, chapter: request.chapter });
    reply = { id: request.id, report };
  } catch (error) {
    reply = error instanceof Error
      ? { id: request.id, error: `${error.name}: ${error.message}`, ...(error.stack === undefined ? {} : { stack: error.stack }) }
      : { id: request.id, error: String(error) };
  }
  port.postMessage(reply);
});
