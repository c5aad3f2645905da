// Runs the shell steps of a workflow template on this machine, the way a GitHub-hosted runner does
// (`bash --noprofile --norc -eo pipefail`, GITHUB_OUTPUT, RUNNER_TEMP…), so the template tests execute
// the templates' own scripts. Only plain `${{ name }}` expressions are expanded; any other
// expression fails loudly, so a template change cannot slip past the tests unexercised.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
  with?: Record<string, string>;
}

interface Workflow {
  jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>;
}

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export class WorkflowRunner {
  readonly workflow: Workflow;
  readonly job: string;
  readonly workspace: string;
  /** Values for `${{ … }}`: `inputs.chapter`, `runner.temp`, `steps.pytest.outputs.exit_code`… */
  readonly context: Record<string, string>;
  readonly env: Record<string, string>;

  constructor(text: string, job: string, workspace: string, context: Record<string, string>, env: Record<string, string>) {
    this.workflow = parseYaml(text) as Workflow;
    this.job = job;
    this.workspace = workspace;
    this.context = { ...context };
    this.env = env;
  }

  step(name: string): Step {
    const step = this.workflow.jobs[this.job]?.steps.find((candidate) => candidate.name === name);
    if (!step) throw new Error(`no step "${name}" in job ${this.job}`);
    return step;
  }

  expand(value: string): string {
    return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
      const known = this.context[expression];
      if (known === undefined) throw new Error(`the step harness cannot evaluate \${{ ${expression} }}`);
      return known;
    });
  }

  /** Runs a `run:` step by name; its outputs become `steps.<id>.outputs.<name>`. */
  async run(name: string): Promise<StepRun> {
    const step = this.step(name);
    if (step.run === undefined) throw new Error(`step "${name}" is not a run step`);
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-step-'));
    const script = path.join(scratch, 'step.sh');
    const output = path.join(scratch, 'output');
    await writeFile(script, step.run);
    await writeFile(output, '');
    const stepEnv = Object.fromEntries(Object.entries({ ...this.workflow.jobs[this.job]?.env, ...step.env }).map(([key, value]) => [key, this.expand(String(value))]));
    const cwd = path.join(this.workspace, step['working-directory'] ?? '.');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env: { ...this.env, ...stepEnv, GITHUB_OUTPUT: output }, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
    const outputs = Object.fromEntries((await readFile(output, 'utf8')).split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    if (step.id !== undefined) {
      for (const [key, value] of Object.entries(outputs)) this.context[`steps.${step.id}.outputs.${key}`] = value;
    }
    return { ...result, outputs };
  }
}
