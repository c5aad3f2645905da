// Loads each organisation's course configuration for the app: `.github/opsgrade.yml` (and an optional
// course file) read straight from the organisation's `.github` repository — never merged with the
// learner's repository — validated, turned into a Course, and cached for a few minutes per owner.

import type { Course } from '../rubric/course.ts';
import { parseCourseFile } from '../rules/load.ts';
import type { GitHubClient } from '../github/client.ts';
import { fileUrl, readRepositoryFile } from '../github/repository-files.ts';
import { applyInstructorConfig, defaultInstructorConfig, INSTRUCTOR_CONFIG_PATH, parseInstructorConfig } from './config.ts';
import type { ConfigProblem, InstructorConfig } from './config.ts';
import type { RubricInfo } from './review-executor.ts';

export const CONFIG_REPOSITORY = '.github';

export type CourseConfig =
  | { kind: 'ok'; config: InstructorConfig; course: Course; source: string | undefined }
  | { kind: 'invalid'; problems: ConfigProblem[]; detailsUrl: string };

interface CacheEntry {
  expires: number;
  value: Promise<CourseConfig>;
}

export class CourseConfigStore {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly rubric: () => Promise<RubricInfo>;
  private readonly ttlMs: number;
  private readonly serverUrl: string;
  private readonly now: () => number;

  constructor(options: { rubric: () => Promise<RubricInfo>; ttlMs: number; serverUrl: string; now?: () => number }) {
    this.rubric = options.rubric;
    this.ttlMs = options.ttlMs;
    this.serverUrl = options.serverUrl;
    this.now = options.now ?? Date.now;
  }

  /** The owner's configuration; a failed read (network, 5xx) is not cached. */
  load(github: GitHubClient, owner: string): Promise<CourseConfig> {
    const cached = this.cache.get(owner);
    if (cached && cached.expires > this.now()) return cached.value;
    const value = this.read(github, owner);
    this.cache.set(owner, { expires: this.now() + this.ttlMs, value });
    value.catch(() => {
      if (this.cache.get(owner)?.value === value) this.cache.delete(owner);
    });
    return value;
  }

  /** Forget an owner's configuration, e.g. after a push to its `.github` repository. */
  invalidate(owner: string): void {
    this.cache.delete(owner);
  }

  private async read(github: GitHubClient, owner: string): Promise<CourseConfig> {
    const repository = { owner, repo: CONFIG_REPOSITORY };
    const label = `${owner}/${CONFIG_REPOSITORY}/${INSTRUCTOR_CONFIG_PATH}`;
    const detailsUrl = fileUrl(this.serverUrl, repository, INSTRUCTOR_CONFIG_PATH);
    const rubric = await this.rubric();
    const text = await readRepositoryFile(github, repository, INSTRUCTOR_CONFIG_PATH);
    if (text === undefined) return { kind: 'ok', config: defaultInstructorConfig(), course: rubric.course, source: undefined };

    const parsed = parseInstructorConfig(text, label);
    if (!parsed.ok) return { kind: 'invalid', problems: parsed.problems, detailsUrl };
    let base = rubric.course;
    if (parsed.config.course !== 'default') {
      const path = parsed.config.course.file;
      const courseText = await readRepositoryFile(github, repository, path);
      if (courseText === undefined) {
        return { kind: 'invalid', problems: [parsed.locator.problem(['course', 'file'], `\`course.file\`: \`${path}\` does not exist in ${owner}/${CONFIG_REPOSITORY}`)], detailsUrl };
      }
      const ruleIds = new Set(rubric.rules.map((rule) => rule.id));
      const requirementIds = new Set(rubric.rules.filter((rule) => rule.kind === 'requirement').map((rule) => rule.id));
      const course = parseCourseFile(`${owner}/${CONFIG_REPOSITORY}/${path}`, courseText, ruleIds, requirementIds);
      if (!course.course || course.problems.length > 0) {
        return { kind: 'invalid', problems: course.problems, detailsUrl: fileUrl(this.serverUrl, repository, path) };
      }
      base = course.course;
    }
    const applied = applyInstructorConfig(base, rubric.rules, parsed.config, parsed.locator);
    if (!applied.ok) return { kind: 'invalid', problems: applied.problems, detailsUrl };
    return { kind: 'ok', config: parsed.config, course: applied.course, source: label };
  }
}
