// Dynamic grading: the instructor's pytest tests, run in GitHub Actions (or locally), folded into
// each chapter's grade. The app and the CLI import from here; nothing in src/grading talks to GitHub.

export { gradingConfigSchema, parseGradingConfig, chapterTests, defaultExercise, workflowFileName, workflowPath, GRADING_DEFAULTS } from './config.ts';
export type { ChapterTests, GradingConfigProblem, GradingMode, GroupScoring, ParsedGradingConfig, TestGradingConfig, TestGradingConfigFile, TestGroup } from './config.ts';

export { planDispatch, withoutRunDetails, refusedRunDetails, withRunId, explainDispatchFailure, graderRepositoryName, WORKFLOW_INPUT_NAMES } from './dispatch.ts';
export type { DispatchRequest, GradingTarget, PendingDispatch, PlannedDispatch, WorkflowInputs } from './dispatch.ts';

export { SlidingWindowLimiter, HOUR_MS } from './rate-limit.ts';
export type { GradedRunLimiter, RateDecision } from './rate-limit.ts';

export { PendingGrades } from './pending.ts';
export type { PendingGrade } from './pending.ts';

export { judgeRun, judgeManifest, isRunFor, parseRunTitle, runNameFor, RUN_NAME_PREFIX, DISPATCH_CLOCK_SKEW_MS } from './trust.ts';
export type { RejectionReason, RunVerdict, WorkflowRunEvent } from './trust.ts';

export { readResultsArtifact, packResultsArtifact, parseManifest, resultsManifestSchema, ArtifactError, ARTIFACT_LIMITS, RESULTS_ARTIFACT_NAME } from './artifact.ts';
export type { ArtifactLimits, ResultsArtifact, ResultsManifest } from './artifact.ts';

export { parseJUnit, JUnitError } from './junit.ts';
export type { JUnitResults, TestCaseResult } from './junit.ts';

export { assessWorkflowRun, testsPartFromArtifact, testsPartForDispatchFailure, testsPartForMissingResult, testsPartForRateLimit, testsPartForRateLimitedDispatch } from './results.ts';
export type { RunAssessment, ArtifactInput } from './results.ts';

export { scoreTests, combineGrade, combineReport, testsConclusion } from './score.ts';
export type { CombinedGrade, GroupScore, TestsConclusion, TestsPart, TestsScore } from './score.ts';

export { renderGradeMarkdown, renderGradeText, renderTestsMarkdown } from './render.ts';
export { testsCheckRunStarted, testsCheckRunCompleted, TESTS_CHECK_RUN_NAME } from './check-run.ts';
export type { TestsCheckRunCompletion, TestsCheckRunStart } from './check-run.ts';

export { runPytest, checkPytest, PytestUnavailableError, PYTEST_BOOTSTRAP } from './pytest.ts';
export type { PytestRun } from './pytest.ts';
