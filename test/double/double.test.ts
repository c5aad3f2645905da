// The GitHub double on its own, over real HTTP: app and installation auth, tarball redirects and
// contents, check-run limits, pull-request patches and the "line must be part of the diff" 422,
// comments, GraphQL, workflow dispatch with artifacts, OpenAPI validation and every fault kind.

import { gunzipSync } from 'node:zlib';

import { unzipSync } from 'fflate';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createClassroom, createLearnerRepository, GRADING_WORKFLOW } from './classroom.ts';
import { pullRequestFiles, unifiedPatch } from './diff.ts';
import { GitHubDouble, manifestSettings } from './server.ts';
import type { DoubleOptions } from './server.ts';
import type { Repository } from './state.ts';
import { api, appJwt, installationToken } from './test-client.ts';
import { fixtureTree, overlay, textTree } from './trees.ts';

interface TarEntry {
  name: string;
  type: string;
  linkname: string | null | undefined;
  content: string;
  pax: unknown;
}

async function untar(gzip: Buffer): Promise<TarEntry[]> {
  const extract = tar.extract();
  const entries: TarEntry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        entries.push({ name: header.name, type: header.type, linkname: header.linkname, content: Buffer.concat(chunks).toString('utf8'), pax: header.pax });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(gunzipSync(gzip));
  await done;
  return entries;
}

let double: GitHubDouble;
let repository: Repository;
let token: string;
let installationId: number;

async function startDouble(options: DoubleOptions = {}): Promise<void> {
  double = new GitHubDouble(options);
  await double.start();
  const classroom = createClassroom(double);
  installationId = classroom.installationId;
  repository = createLearnerRepository(double, classroom, 'healthcheck-ada', 'empty');
  token = await installationToken(double, installationId);
}

afterEach(async () => {
  await double.close();
});

describe('authentication', () => {
  beforeEach(() => startDouble());

  it('serves the app to a JWT signed with its key and refuses other keys and missing tokens', async () => {
    const jwt = appJwt(double.privateKeyPem, double.appId);
    const app = await api(double, 'GET', '/app', { jwt });
    expect(app.status).toBe(200);
    expect((app.body as { slug: string; permissions: Record<string, string> }).slug).toBe('opsgrade');
    // What GitHub would grant: app.yml's default_permissions, as written today.
    expect((app.body as { permissions: Record<string, string> }).permissions).toEqual(manifestSettings().permissions);
    expect(manifestSettings().permissions).toMatchObject({ checks: 'write', contents: 'read', pull_requests: 'write', metadata: 'read' });

    const stranger = new GitHubDouble();
    const forged = await api(double, 'GET', '/app', { jwt: appJwt(stranger.privateKeyPem, double.appId) });
    expect(forged.status).toBe(401);
    expect((forged.body as { message: string }).message).toBe('A JSON web token could not be decoded');

    const anonymous = await api(double, 'GET', `/repos/opsgrade-demo/healthcheck-ada/check-runs/1`);
    expect(anonymous.status).toBe(401);
    expect((anonymous.body as { message: string }).message).toBe('Requires authentication');
  });

  it('finds the installation of a repository and trades the JWT for a token limited to it', async () => {
    const jwt = appJwt(double.privateKeyPem, double.appId);
    const installation = await api(double, 'GET', '/repos/opsgrade-demo/healthcheck-ada/installation', { jwt });
    expect(installation.status).toBe(200);
    expect((installation.body as { id: number }).id).toBe(installationId);

    const created = await api(double, 'POST', `/app/installations/${installationId}/access_tokens`, { jwt });
    expect(created.status).toBe(201);
    expect((created.body as { token: string }).token).toMatch(/^ghs_/);

    double.state.addInstallation('other-school');
    const foreign = double.state.createRepository('other-school', 'secret');
    double.state.commit(foreign, 'main', textTree({ 'a.py': 'x = 1\n' }), 'init');
    const hidden = await api(double, 'GET', '/repos/other-school/secret', { token });
    expect(hidden.status).toBe(404);
  });
});

describe('code and configuration', () => {
  beforeEach(() => startDouble());

  it('redirects a tarball request to a short-lived download of the commit, links kept as links', async () => {
    const commit = double.state.commit(repository, 'main', fixtureTree('bad-input'), 'hostile files', { replace: true });
    const redirect = await api(double, 'GET', `/repos/opsgrade-demo/healthcheck-ada/tarball/${commit.sha}`, { token });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${double.webBase}/_download/tarball/opsgrade-demo/healthcheck-ada/[0-9a-f]{32}$`));

    const download = await api(double, 'GET', location);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/x-gzip');
    const entries = await untar(download.raw);
    const prefix = `opsgrade-demo-healthcheck-ada-${commit.sha.slice(0, 7)}/`;
    // git archive's pax global header comes first and carries the commit id (readers skip it).
    const tarBytes = gunzipSync(download.raw);
    expect([tarBytes.subarray(0, 17).toString('ascii'), tarBytes.subarray(156, 157).toString('ascii'), tarBytes.subarray(512, 564).toString('ascii')]).toEqual(['pax_global_header', 'g', `52 comment=${commit.sha}\n`]);
    expect(entries.filter((entry) => entry.type === 'file').map((entry) => entry.name)).toEqual(
      ['README.md', 'broken.py', 'data.bin', 'deep.py', 'huge.py', 'latin1.py', 'nul.py'].map((name) => `${prefix}${name}`),
    );
    expect(entries.filter((entry) => entry.type === 'symlink').map((entry) => [entry.name, entry.linkname])).toEqual([
      [`${prefix}loop`, 'loop'], [`${prefix}loop-a`, 'loop-b'], [`${prefix}loop-b`, 'loop-a'],
    ]);
    expect(entries.find((entry) => entry.name === `${prefix}broken.py`)?.content).toBe(fixtureTree('bad-input').get('broken.py')?.content.toString('utf8'));
  });

  it('answers 404 for an unknown commit and for an expired download URL', async () => {
    await double.close();
    await startDouble({ tarballUrlTtlMs: -1 });
    const unknown = await api(double, 'GET', `/repos/opsgrade-demo/healthcheck-ada/tarball/${'f'.repeat(40)}`, { token });
    expect(unknown.status).toBe(404);
    const redirect = await api(double, 'GET', '/repos/opsgrade-demo/healthcheck-ada/tarball/main', { token });
    const expired = await api(double, 'GET', redirect.headers.get('location') ?? '');
    expect(expired.status).toBe(404);
  });

  it('serves the course configuration raw or as base64 JSON, and 404 for a missing file', async () => {
    const raw = await api(double, 'GET', '/repos/opsgrade-demo/.github/contents/.github%2Fopsgrade.yml', { token, accept: 'application/vnd.github.v3.raw' });
    expect(raw.status).toBe(200);
    expect(raw.body).toMatch(/^# Course configuration for the demo organisation/);
    const json = await api(double, 'GET', '/repos/opsgrade-demo/.github/contents/.github/opsgrade.yml', { token });
    const file = json.body as { type: string; encoding: string; content: string; sha: string };
    expect(file.type).toBe('file');
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe(raw.body);
    const missing = await api(double, 'GET', '/repos/opsgrade-demo/healthcheck-ada/contents/.opsgrade.yaml', { token });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' });
  });
});

describe('check runs', () => {
  beforeEach(() => startDouble());

  const annotation = (line: number) => ({ path: 'healthcheck.py', start_line: line, end_line: line, annotation_level: 'warning', message: `finding ${line}` });

  it('stores a run, appends annotations 50 at a time and concludes it', async () => {
    const sha = repository.branches.get('main') as string;
    const created = await api(double, 'POST', '/repos/opsgrade-demo/healthcheck-ada/check-runs', { token, body: { name: 'OpsGrade', head_sha: sha, status: 'in_progress', external_id: 'job-1' } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
    const path = `/repos/opsgrade-demo/healthcheck-ada/check-runs/${id}`;
    const first = await api(double, 'PATCH', path, { token, body: { output: { title: 't', summary: 's', annotations: Array.from({ length: 50 }, (_, index) => annotation(index + 1)) } } });
    expect(first.status).toBe(200);
    const last = await api(double, 'PATCH', path, { token, body: { conclusion: 'failure', output: { title: 'Chapter 8', summary: 'done', annotations: [annotation(51)] } } });
    expect(last.status).toBe(200);
    const run = double.state.checkRuns.get(id);
    expect(run?.annotations.map((item) => item.start_line)).toEqual(Array.from({ length: 51 }, (_, index) => index + 1));
    expect([run?.status, run?.conclusion, run?.output.title, run?.externalId]).toEqual(['completed', 'failure', 'Chapter 8', 'job-1']);
  });

  it('answers 422 like GitHub for 51 annotations, a 65,536-character summary and an unknown conclusion', async () => {
    const sha = repository.branches.get('main') as string;
    const created = await api(double, 'POST', '/repos/opsgrade-demo/healthcheck-ada/check-runs', { token, body: { name: 'OpsGrade', head_sha: sha } });
    const path = `/repos/opsgrade-demo/healthcheck-ada/check-runs/${(created.body as { id: number }).id}`;

    const tooMany = await api(double, 'PATCH', path, { token, body: { output: { title: 't', summary: 's', annotations: Array.from({ length: 51 }, (_, index) => annotation(index + 1)) } } });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toEqual({
      message: 'Invalid request.\n\noutput.annotations must NOT have more than 50 items',
      errors: [{ resource: 'CheckRun', field: 'output.annotations', code: 'invalid', message: 'output.annotations must NOT have more than 50 items' }],
      documentation_url: 'https://docs.github.com/rest/checks/runs#update-a-check-run',
      status: '422',
    });

    const tooLong = await api(double, 'PATCH', path, { token, body: { output: { title: 't', summary: 'x'.repeat(65_536) } } });
    expect(tooLong.status).toBe(422);
    expect((tooLong.body as { errors: { field: string; message: string }[] }).errors).toEqual([{ resource: 'CheckRun', field: 'output.summary', code: 'invalid', message: 'output.summary must NOT have more than 65535 characters' }]);

    const wrong = await api(double, 'PATCH', path, { token, body: { conclusion: 'passed' } });
    expect(wrong.status).toBe(422);
    expect((wrong.body as { errors: { message: string }[] }).errors.map((error) => error.message)).toEqual([
      'conclusion must be equal to one of the allowed values: ["action_required","cancelled","failure","neutral","success","skipped","stale","timed_out"]',
    ]);
    expect(double.state.checkRuns.get((created.body as { id: number }).id)?.annotations).toEqual([]);
    expect(double.rejected.map((rejected) => rejected.status)).toEqual([422, 422, 422]);
  });

  it('refuses the app JWT where an installation token is needed, and a commit the repository lacks', async () => {
    const jwtAnswer = await api(double, 'POST', '/repos/opsgrade-demo/healthcheck-ada/check-runs', { jwt: appJwt(double.privateKeyPem, double.appId), body: { name: 'OpsGrade', head_sha: 'a'.repeat(40) } });
    expect(jwtAnswer.status).toBe(403);
    const noCommit = await api(double, 'POST', '/repos/opsgrade-demo/healthcheck-ada/check-runs', { token, body: { name: 'OpsGrade', head_sha: 'a'.repeat(40) } });
    expect(noCommit.status).toBe(422);
    expect((noCommit.body as { message: string }).message).toBe(`No commit found for SHA: ${'a'.repeat(40)}`);
  });
});

describe('pull requests', () => {
  beforeEach(() => startDouble());

  it('computes unified-diff patches between two trees exactly as git does', () => {
    expect(unifiedPatch('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n', 'a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\n')).toBe(
      '@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l',
    );
    expect(unifiedPatch('x\ny', 'x\ny\n')).toBe('@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y');
    expect(unifiedPatch('x\ny\n', '')).toBe('@@ -1,2 +0,0 @@\n-x\n-y');
    const files = pullRequestFiles(textTree({ 'keep.py': 'a = 1\n', 'gone.py': 'b = 2\n', 'data.bin': 'x' }), textTree({ 'keep.py': 'a = 1\n', 'new.py': 'c = 3\nd = 4\n', 'data.bin': '\0y' }), { webBase: 'w', apiBase: 'a', headSha: 'h' });
    expect(files.map((file) => [file.filename, file.status, file.additions, file.deletions, file.patch])).toEqual([
      ['data.bin', 'modified', 0, 0, undefined],
      ['gone.py', 'removed', 0, 1, '@@ -1 +0,0 @@\n-b = 2'],
      ['new.py', 'added', 2, 0, '@@ -0,0 +1,2 @@\n+c = 3\n+d = 4'],
    ]);
  });

  it('accepts review comments on diff lines and refuses the whole review for one line outside it', async () => {
    const base = fixtureTree('weak');
    double.state.commit(repository, 'main', base, 'weak version', { replace: true });
    const text = base.get('healthcheck.py')?.content.toString('utf8') as string;
    const changed = text.replace('r = requests.get(url + "/health")', 'r = requests.get(url + "/health", timeout=5)');
    double.state.commit(repository, 'fix', overlay(base, { 'healthcheck.py': changed }), 'timeout');
    const pull = double.state.openPullRequest(repository, { head: 'fix', title: 'Add a timeout', author: 'ada' });

    const files = await api(double, 'GET', `/repos/opsgrade-demo/healthcheck-ada/pulls/${pull.number}/files?per_page=100`, { token });
    expect((files.body as { filename: string; patch: string }[]).map((file) => [file.filename, file.patch])).toEqual([[
      'healthcheck.py',
      '@@ -7,7 +7,7 @@\n \n def check(url):\n     try:\n-        r = requests.get(url + "/health")\n+        r = requests.get(url + "/health", timeout=5)\n         return r.status_code == 200\n     except:\n         pass',
    ]]);

    const review = (line: number) => ({ commit_id: pull.headSha, event: 'COMMENT', body: 'OpsGrade review', comments: [{ path: 'healthcheck.py', line: 10, side: 'RIGHT', body: 'ok' }, { path: 'healthcheck.py', line, side: 'RIGHT', body: 'x' }] });
    const outside = await api(double, 'POST', `/repos/opsgrade-demo/healthcheck-ada/pulls/${pull.number}/reviews`, { token, body: review(30) });
    expect(outside.status).toBe(422);
    expect(outside.body).toEqual({ message: 'Unprocessable Entity', errors: ['Pull request review thread line must be part of the diff'], documentation_url: 'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request', status: '422' });
    expect(double.state.reviewComments.size).toBe(0);

    const inside = await api(double, 'POST', `/repos/opsgrade-demo/healthcheck-ada/pulls/${pull.number}/reviews`, { token, body: review(13) });
    expect(inside.status).toBe(200);
    expect(double.state.reviewCommentsOn(repository, pull.number).map((comment) => [comment.path, comment.line, comment.author.login])).toEqual([
      ['healthcheck.py', 10, 'opsgrade[bot]'], ['healthcheck.py', 13, 'opsgrade[bot]'],
    ]);
  });

  it('creates, lists and edits issue comments, refusing bodies over 65,536 characters', async () => {
    double.state.commit(repository, 'feature', textTree({ 'a.py': 'x = 1\n' }), 'a');
    const pull = double.state.openPullRequest(repository, { head: 'feature', title: 'A', author: 'ada' });
    const path = `/repos/opsgrade-demo/healthcheck-ada/issues/${pull.number}/comments`;
    const created = await api(double, 'POST', path, { token, body: { body: 'first' } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
    const edited = await api(double, 'PATCH', `/repos/opsgrade-demo/healthcheck-ada/issues/comments/${id}`, { token, body: { body: 'second' } });
    expect(edited.status).toBe(200);
    const listed = await api(double, 'GET', path, { token });
    expect((listed.body as { body: string; user: { login: string } }[]).map((comment) => [comment.body, comment.user.login])).toEqual([['second', 'opsgrade[bot]']]);
    const tooLong = await api(double, 'POST', path, { token, body: { body: 'x'.repeat(65_537) } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toEqual({ message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }], documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment', status: '422' });
    const human = double.state.addHumanIssueComment(repository, pull.number, 'thanks', 'ada');
    const foreign = await api(double, 'PATCH', `/repos/opsgrade-demo/healthcheck-ada/issues/comments/${human.id}`, { token, body: { body: 'edited' } });
    expect(foreign.status).toBe(403);
  });

  it('answers the app\'s GraphQL: own comments with authorship, then minimizeComment', async () => {
    double.state.commit(repository, 'feature', textTree({ 'a.py': 'x = 1\ny = 2\n' }), 'a');
    const pull = double.state.openPullRequest(repository, { head: 'feature', title: 'A', author: 'ada' });
    await api(double, 'POST', `/repos/opsgrade-demo/healthcheck-ada/pulls/${pull.number}/reviews`, { token, body: { event: 'COMMENT', body: 'r', comments: [{ path: 'a.py', line: 1, body: 'note <!-- fp -->' }] } });
    double.state.addHumanIssueComment(repository, pull.number, 'hello', 'ada');
    const query = `query ($owner: String!, $repo: String!, $number: Int!, $threads: String) { repository(owner: $owner, name: $repo) { pullRequest(number: $number) { comments(first: 100) { nodes { id databaseId body viewerDidAuthor author { login } } } reviewThreads(first: 100, after: $threads) { pageInfo { hasNextPage endCursor } nodes { isOutdated comments(first: 1) { totalCount nodes { id body isMinimized viewerDidAuthor author { login } } } } } } } }`;
    const answer = await api(double, 'POST', '/graphql', { token, body: { query, variables: { owner: 'opsgrade-demo', repo: 'healthcheck-ada', number: pull.number, threads: null } } });
    const data = (answer.body as { data: { repository: { pullRequest: { comments: { nodes: { body: string; viewerDidAuthor: boolean; author: { login: string } }[] }; reviewThreads: { nodes: { isOutdated: boolean; comments: { nodes: { id: string; author: { login: string } }[] } }[] } } } } }).data;
    expect(data.repository.pullRequest.comments.nodes.map((node) => [node.body, node.viewerDidAuthor, node.author.login])).toEqual([['hello', false, 'ada']]);
    const thread = data.repository.pullRequest.reviewThreads.nodes[0];
    expect([thread?.isOutdated, thread?.comments.nodes[0]?.author.login]).toEqual([false, 'opsgrade']);

    const nodeId = thread?.comments.nodes[0]?.id as string;
    const minimized = await api(double, 'POST', '/graphql', { token, body: { query: 'mutation ($id0: ID!) { m0: minimizeComment(input: { subjectId: $id0, classifier: OUTDATED }) { minimizedComment { isMinimized } } }', variables: { id0: nodeId } } });
    expect(minimized.body).toEqual({ data: { m0: { minimizedComment: { isMinimized: true, minimizedReason: 'outdated' } } } });
    expect([...double.state.reviewComments.values()].map((comment) => comment.minimized)).toEqual(['OUTDATED']);
    expect(double.problems).toEqual([]);
  });
});

describe('workflows', () => {
  it('refuses a dispatch without actions: write, naming the permission', async () => {
    await startDouble({ permissions: { checks: 'write', contents: 'read', pull_requests: 'write', metadata: 'read' }, events: ['push', 'pull_request'] });
    double.state.commit(repository, 'main', textTree({ '.github/workflows/grade.yml': GRADING_WORKFLOW }), 'workflow');
    double.addWorkflow(repository, 'grade.yml', { queuedMs: 1, runningMs: 1, outcome: () => ({ conclusion: 'success' }) });
    const answer = await api(double, 'POST', '/repos/opsgrade-demo/healthcheck-ada/actions/workflows/grade.yml/dispatches', { token, body: { ref: 'main', inputs: { correlation_id: 'c1' } } });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('x-accepted-github-permissions')).toBe('actions=write');
  });

  it('dispatches a run with details, runs it and serves its artifact through a one-minute URL', async () => {
    await startDouble({ permissions: { checks: 'write', contents: 'read', pull_requests: 'write', metadata: 'read', actions: 'write' }, events: ['push', 'pull_request', 'workflow_run'] });
    double.state.commit(repository, 'main', textTree({ '.github/workflows/grade.yml': GRADING_WORKFLOW }), 'workflow');
    double.addWorkflow(repository, 'grade.yml', {
      queuedMs: 5, runningMs: 5,
      outcome: (inputs) => ({ conclusion: 'success', artifacts: { 'opsgrade-results': { 'opsgrade-results.xml': `<testsuite name="${inputs.correlation_id ?? ''}" tests="3" failures="0"/>` } } }),
    });
    const base = '/repos/opsgrade-demo/healthcheck-ada/actions';
    const unexpected = await api(double, 'POST', `${base}/workflows/grade.yml/dispatches`, { token, body: { ref: 'main', inputs: { correlation_id: 'c1', colour: 'blue' } } });
    expect(unexpected.status).toBe(422);
    expect((unexpected.body as { message: string }).message).toBe('Unexpected inputs provided: ["colour"]');
    const missing = await api(double, 'POST', `${base}/workflows/grade.yml/dispatches`, { token, body: { ref: 'main' } });
    expect((missing.body as { message: string }).message).toBe("Required input 'correlation_id' not provided");

    const dispatched = await api(double, 'POST', `${base}/workflows/grade.yml/dispatches`, { token, body: { ref: 'main', inputs: { correlation_id: 'review-42' }, return_run_details: true } });
    expect(dispatched.status).toBe(200);
    const runId = (dispatched.body as { workflow_run_id: number }).workflow_run_id;
    const plain = await api(double, 'POST', `${base}/workflows/grade.yml/dispatches`, { token, body: { ref: 'main', inputs: { correlation_id: 'review-43' } } });
    expect(plain.status).toBe(204);

    const deadline = Date.now() + 5_000;
    while (double.state.workflowRuns.get(runId)?.status !== 'completed' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const run = await api(double, 'GET', `${base}/runs/${runId}`, { token });
    expect((run.body as { status: string; conclusion: string; display_title: string }).display_title).toBe('opsgrade grading review-42');
    expect([(run.body as { status: string }).status, (run.body as { conclusion: string }).conclusion]).toEqual(['completed', 'success']);
    const listed = await api(double, 'GET', `${base}/runs?event=workflow_dispatch&per_page=10`, { token });
    expect((listed.body as { workflow_runs: { display_title: string }[] }).workflow_runs.map((item) => item.display_title)).toEqual(['opsgrade grading review-43', 'opsgrade grading review-42']);

    const artifacts = await api(double, 'GET', `${base}/runs/${runId}/artifacts`, { token });
    const artifact = (artifacts.body as { artifacts: { id: number; name: string }[] }).artifacts[0];
    expect(artifact?.name).toBe('opsgrade-results');
    const redirect = await api(double, 'GET', `${base}/artifacts/${artifact?.id ?? 0}/zip`, { token });
    expect(redirect.status).toBe(302);
    const zip = await api(double, 'GET', redirect.headers.get('location') ?? '');
    expect(Buffer.from(unzipSync(new Uint8Array(zip.raw))['opsgrade-results.xml'] ?? []).toString('utf8')).toBe('<testsuite name="review-42" tests="3" failures="0"/>');
  });
});

describe('validation and limits', () => {
  beforeEach(() => startDouble());

  it('answers 404 for operations GitHub does not have and notes undeclared query parameters', async () => {
    const made = await api(double, 'GET', '/repos/opsgrade-demo/healthcheck-ada/check-suites-made-up', { token });
    expect(made.status).toBe(404);
    await api(double, 'GET', '/repos/opsgrade-demo/healthcheck-ada/pulls?colour=blue', { token });
    expect(double.problems).toEqual([
      'GET /repos/opsgrade-demo/healthcheck-ada/check-suites-made-up: no such operation in GitHub\'s REST API description',
      'GET /repos/{owner}/{repo}/pulls: query parameter `colour` is not declared',
    ]);
  });

  it('blocks the 81st content-creating request in a minute with a secondary rate limit', async () => {
    double.state.commit(repository, 'feature', textTree({ 'a.py': 'x = 1\n' }), 'a');
    const pull = double.state.openPullRequest(repository, { head: 'feature', title: 'A', author: 'ada' });
    const statuses: number[] = [];
    for (let index = 0; index < 81; index += 1) {
      statuses.push((await api(double, 'POST', `/repos/opsgrade-demo/healthcheck-ada/issues/${pull.number}/comments`, { token, body: { body: `comment ${index}` } })).status);
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(80);
    const blocked = await api(double, 'POST', `/repos/opsgrade-demo/healthcheck-ada/issues/${pull.number}/comments`, { token, body: { body: 'one more' } });
    expect([blocked.status, blocked.headers.get('retry-after')]).toEqual([403, '60']);
    expect((blocked.body as { message: string }).message).toMatch(/secondary rate limit/);
  });
});

describe('faults', () => {
  beforeEach(() => startDouble());
  const checkRuns = '/repos/{owner}/{repo}/check-runs';

  it('answers with each fault kind, for the chosen route and number of times', async () => {
    const sha = repository.branches.get('main') as string;
    const body = { name: 'OpsGrade', head_sha: sha };
    const path = '/repos/opsgrade-demo/healthcheck-ada/check-runs';
    double.faults.add(
      { kind: 'server-error', route: checkRuns, times: 1 },
      { kind: 'bad-gateway-html', route: checkRuns, times: 1 },
      { kind: 'secondary-rate-limit', route: checkRuns, times: 1, retryAfterSeconds: 7 },
      { kind: 'too-many-requests', route: checkRuns, times: 1, retryAfterSeconds: 3 },
      { kind: 'slow', route: checkRuns, times: 1, delayMs: 50 },
    );
    const answers = [];
    for (let index = 0; index < 6; index += 1) answers.push(await api(double, 'POST', path, { token, body }));
    expect(answers.map((answer) => answer.status)).toEqual([500, 502, 403, 429, 201, 201]);
    expect(answers[1]?.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answers[1]?.body).toMatch(/^<!DOCTYPE html>/);
    expect([answers[2]?.headers.get('retry-after'), answers[3]?.headers.get('retry-after')]).toEqual(['7', '3']);
    // The slow answer still did its work: two runs exist.
    expect(double.state.checkRunsFor(repository)).toHaveLength(2);
    expect(double.requests.filter((request) => request.route === checkRuns).map((request) => request.fault)).toEqual([
      `server-error * ${checkRuns}`, `bad-gateway-html * ${checkRuns}`, `secondary-rate-limit * ${checkRuns}`, `too-many-requests * ${checkRuns}`, `slow * ${checkRuns}`, undefined,
    ]);
  });

  it('resets connections before or after doing the work', async () => {
    const sha = repository.branches.get('main') as string;
    const body = { name: 'OpsGrade', head_sha: sha };
    double.faults.add({ kind: 'connection-reset', route: checkRuns, times: 1 }, { kind: 'connection-reset', route: checkRuns, times: 1, phase: 'after', after: 1 });
    await expect(api(double, 'POST', '/repos/opsgrade-demo/healthcheck-ada/check-runs', { token, body })).rejects.toThrow('fetch failed');
    expect(double.state.checkRunsFor(repository)).toHaveLength(0);
    await expect(api(double, 'POST', '/repos/opsgrade-demo/healthcheck-ada/check-runs', { token, body })).rejects.toThrow('fetch failed');
    expect(double.state.checkRunsFor(repository)).toHaveLength(1);
  });

  it('loses a tarball mid-review (404) or serves one that inflates past any limit', async () => {
    double.faults.add({ kind: 'not-found', route: '/repos/{owner}/{repo}/tarball/{ref}', times: 1 }, { kind: 'oversized-tarball', route: 'download:tarball', times: 1, uncompressedBytes: 3 * 1024 * 1024 });
    const gone = await api(double, 'GET', '/repos/opsgrade-demo/healthcheck-ada/tarball/main', { token });
    expect(gone.status).toBe(404);
    const redirect = await api(double, 'GET', '/repos/opsgrade-demo/healthcheck-ada/tarball/main', { token });
    const download = await api(double, 'GET', redirect.headers.get('location') ?? '');
    expect(download.raw.length).toBeLessThan(64 * 1024);
    const entries = await untar(download.raw);
    expect(entries.map((entry) => [entry.name, entry.content.length])).toEqual([['learner-repo-0000000/data/zeros.bin', 3 * 1024 * 1024]]);
  });
});
