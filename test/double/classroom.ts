// A course organisation inside the GitHub double: the app installed on it, its `.github` repository
// with the instructor's `.github/opsgrade.yml`, and learner repositories started from fixture trees.
// Shared by the demo, the load test and the end-to-end tests so they all grade the same way.

import type { GitHubDouble } from './server.ts';
import type { Repository } from './state.ts';
import { fixtureTree, textTree } from './trees.ts';
import type { FileTree } from './trees.ts';

/** The instructor's configuration: repositories named `healthcheck-*` are chapter 8's exercise. */
export const COURSE_CONFIG = `# Course configuration for the demo organisation (read by the OpsGrade app).
exercises:
  - name: healthcheck
    chapter: 8
    repositories: ["healthcheck-*"]
  - name: ops-scripts
    chapter: 9
    repositories: ["ops-scripts-*"]
learnerConfig:
  allow: [chapter]
pullRequests:
  maxComments: 20
`;

/** A grading workflow a course could dispatch (dynamic grading); the double simulates its runs. */
export const GRADING_WORKFLOW = `name: OpsGrade dynamic grading
run-name: "opsgrade grading \${{ inputs.correlation_id }}"
on:
  workflow_dispatch:
    inputs:
      correlation_id:
        description: Matches the run to the review that asked for it
        required: true
      chapter:
        required: false
        default: "8"
jobs:
  grade:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m pytest --junitxml=opsgrade-results.xml
      - uses: actions/upload-artifact@v4
        with:
          name: opsgrade-results
          path: opsgrade-results.xml
`;

export interface Classroom {
  owner: string;
  installationId: number;
  configRepository: Repository;
}

export function createClassroom(double: GitHubDouble, owner = 'opsgrade-demo', options: { installationId?: number; courseConfig?: string | null } = {}): Classroom {
  const installation = double.state.addInstallation(owner, options.installationId === undefined ? {} : { id: options.installationId });
  const configRepository = double.state.createRepository(owner, '.github');
  const config = options.courseConfig === undefined ? COURSE_CONFIG : options.courseConfig;
  double.state.commit(configRepository, 'main', textTree(config === null ? { 'README.md': '# Organisation files\n' } : { '.github/opsgrade.yml': config, 'README.md': '# Organisation files\n' }), 'Course configuration');
  return { owner, installationId: installation.id, configRepository };
}

/**
 * A learner's repository whose `main` holds `start` (a fixture name or tree); no webhook is sent
 * for this first commit, as if the app was installed after the repository was created.
 */
export function createLearnerRepository(double: GitHubDouble, classroom: Classroom, name: string, start: string | FileTree = 'empty', options: { topics?: string[] } = {}): Repository {
  const repository = double.state.createRepository(classroom.owner, name, { topics: options.topics ?? [] });
  const tree = typeof start === 'string' ? fixtureTree(start) : start;
  double.state.commit(repository, 'main', tree, 'Start from the course template', { replace: true });
  return repository;
}
