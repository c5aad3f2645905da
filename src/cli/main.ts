// The `opsgrade` command: a thin entry point that turns arguments into one call of the review
// pipeline (snapshot → review → render) and maps the outcome to an exit code. The installed
// executable is bin.ts; `node src/cli/main.ts` runs the same command.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import { runGrade } from './grade.ts';
import { EXIT, runReview, runRulesExplain, runRulesList, runRulesTest, UsageError } from './commands.ts';
import type { CliIO } from './commands.ts';

const HELP_EXIT_CODES = `
Exit codes:
  0  the review passed: no finding at or above --fail-on
  1  findings at or above --fail-on (an unmet requirement counts as a finding of its severity)
  2  usage or configuration error: bad arguments, missing path, invalid rule, course or .opsgrade.yml`;

export function buildProgram(io: CliIO): Command {
  const program = new Command('opsgrade')
    .description('Review and grade a Python for DevOps exercise repository against the course rubric.')
    .version('0.1.0')
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .exitOverride()
    .showHelpAfterError('(run `opsgrade --help` for usage)')
    .addHelpText('after', HELP_EXIT_CODES);

  program.command('review')
    .description('Review a repository (a local directory) and print findings and the chapter grade.')
    .argument('[path]', 'repository to review', '.')
    .option('-c, --chapter <chapter>', 'chapter to grade: 1-23, project-1..project-4, or all (default: from .opsgrade.yml, else all)')
    .option('--course <file>', 'course file (default: the built-in "Python for DevOps" course)')
    .option('--rules <dir>', 'rules directory (default: the built-in rules)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'markdown', 'github']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(['error', 'warning', 'info', 'never']).default('warning'))
    .option('--max-file-bytes <bytes>', 'skip files larger than this', parseSize)
    .option('--max-files <count>', 'read at most this many files', parseCount)
    .option('--max-total-bytes <bytes>', 'read at most this many bytes in total', parseSize)
    .option('--no-color', 'never colour the text output (NO_COLOR is honoured too)')
    .option('-j, --jobs <count>', 'worker threads for large repositories (default 1: none; on 2 cores 2 threads were no faster and used 2.5x the memory; see the README)', parseCount)
    .addHelpText('after', HELP_EXIT_CODES)
    .action(async (path: string, options: Record<string, unknown>) => {
      io.exitCode = await runReview(io, path, options);
    });

  const rules = program.command('rules').description('List, explain and test the rubric rules.');
  rules.command('list')
    .description('List rules with their chapter, severity and title.')
    .option('-c, --chapter <chapter>', 'only rules reported in this chapter')
    .option('--rules <dir>', 'rules directory')
    .option('--course <file>', 'course file')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: Record<string, unknown>) => {
      io.exitCode = await runRulesList(io, options);
    });
  rules.command('explain')
    .description('Explain a rule: what it detects, why it matters, an example and the fix.')
    .argument('<id>', 'rule id, e.g. http-call-without-timeout')
    .option('--rules <dir>', 'rules directory')
    .option('--course <file>', 'course file')
    .action(async (id: string, options: Record<string, unknown>) => {
      io.exitCode = await runRulesExplain(io, id, options);
    });
  rules.command('test')
    .description('Check every rule against its annotated fixtures (# expect: / # ok:).')
    .argument('[ids...]', 'only these rules')
    .option('--rules <dir>', 'rules directory')
    .option('--course <file>', 'course file')
    .option('--fixtures <dir>', 'fixtures directory (default: fixtures/rules next to the rules)')
    .action(async (ids: string[], options: Record<string, unknown>) => {
      io.exitCode = await runRulesTest(io, ids, options);
    });

  program.command('grade')
    .description('Run the instructor tests with pytest and print the combined static + test grade.')
    .argument('[path]', 'repository to grade', '.')
    .requiredOption('--tests <dir>', 'directory of instructor tests (pytest)')
    .option('--config <file>', "the instructor's opsgrade.yml (its testGrading: block maps tests to points)")
    .option('-c, --chapter <chapter>', 'chapter to grade (default: from .opsgrade.yml)')
    .option('--course <file>', 'course file')
    .option('--rules <dir>', 'rules directory')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--python <command>', 'Python interpreter that runs pytest', 'python3')
    .option('--time-limit <minutes>', 'stop the tests after this many minutes', parseCount)
    .option('--max-file-bytes <bytes>', 'skip files larger than this', parseSize)
    .option('--max-files <count>', 'read at most this many files', parseCount)
    .option('--max-total-bytes <bytes>', 'read at most this many bytes in total', parseSize)
    .option('--no-color', 'never colour the text output')
    .option('-j, --jobs <count>', 'worker threads for large repositories', parseCount)
    .addHelpText('after', `
Exit codes:
  0  the combined grade passes
  1  the combined grade does not pass
  2  usage or configuration error (missing tests folder, pytest not installed, invalid config)`)
    .action(async (path: string, options: Record<string, unknown>) => {
      io.exitCode = await runGrade(io, path, options);
    });
  return program;
}

function parseSize(value: string): number {
  const found = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(value.trim());
  if (!found) throw new InvalidArgumentError('use bytes or a size with a suffix, like 512k, 5M or 1G.');
  const unit = (found[2] ?? 'b').toLowerCase()[0] ?? 'b';
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(found[1]) * factor);
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('use a whole number.');
  return Number(value);
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.pass;
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr(`opsgrade: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs the command with this process's arguments and streams, and sets its exit code. */
export async function runFromProcess(): Promise<void> {
  // `opsgrade review | head`: the reader has seen enough; stop quietly, as other commands do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  const io: CliIO = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    exitCode: 0,
  };
  process.exitCode = await main(process.argv.slice(2), io);
}

if (isEntryPoint()) await runFromProcess();
