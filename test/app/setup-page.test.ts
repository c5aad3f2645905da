// Without credentials, `npm start` serves Probot's setup page, whose manifest is app.yml; and
// app.yml subscribes to exactly the events the handlers handle (installation events come unasked).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { HANDLED_EVENTS } from '../../src/app/handlers.ts';
import { ROOT } from './support/scenario.ts';

interface Manifest {
  name: string;
  default_events: string[];
  default_permissions: Record<string, string>;
}

const manifest = parse(readFileSync(path.join(ROOT, 'app.yml'), 'utf8')) as Manifest;
let stop: (() => void) | undefined;
afterAll(() => stop?.());

describe('app.yml', () => {
  it('subscribes to exactly the events the app handles, and asks for the least permissions', () => {
    const alwaysSent = ['installation', 'installation_repositories'];
    expect([...manifest.default_events, ...alwaysSent].sort()).toEqual([...HANDLED_EVENTS].sort());
    expect(manifest.default_permissions).toEqual({ actions: 'write', checks: 'write', contents: 'read', pull_requests: 'write', issues: 'read', metadata: 'read' });
  });

  it('is what the setup page registers when npm start runs without credentials', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const env: NodeJS.ProcessEnv = { ...process.env, NO_SMEE_SETUP: 'true', PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'development' };
    delete env.APP_ID;
    delete env.PRIVATE_KEY;
    delete env.PRIVATE_KEY_PATH;
    const child = spawn(process.execPath, ['node_modules/probot/bin/probot.js', 'run', './src/app/index.ts'], { cwd: ROOT, env, stdio: 'ignore' });
    stop = () => child.kill('SIGKILL');

    let page = '';
    for (let attempt = 0; attempt < 60 && !page; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      page = await fetch(`http://127.0.0.1:${port}/probot`).then((response) => response.text(), () => '');
    }
    const registered = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(page)?.[1] ?? '{}') as Manifest;
    expect(registered.name).toBe('OpsGrade');
    expect(registered.default_events).toEqual(manifest.default_events);
    expect(registered.default_permissions).toEqual(manifest.default_permissions);
  }, 30_000);
});
