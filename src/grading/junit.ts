// Reads pytest's JUnit XML (the tests part of a grading run) into plain test results keyed by pytest
// node id. Pure: malformed or unexpected XML becomes a JUnitError with a clear message, never a crash.

import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type TestCaseOutcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestCaseResult {
  /** `test_health.py::TestUrls::test_trailing_slash`, relative to pytest's rootdir. */
  nodeId: string;
  outcome: TestCaseOutcome;
  /** The failure, error or skip message (first line is the summary). */
  message: string | undefined;
  /** Markers recorded as `<property name="marker" value="…"/>` by OpsGrade's pytest bootstrap. */
  markers: string[];
}

/** A test module pytest could not import: none of its tests ran. */
export interface CollectionError {
  /** The module's path relative to the rootdir, e.g. `test_health.py`. */
  module: string;
  message: string;
}

export interface JUnitResults {
  tests: TestCaseResult[];
  collectionErrors: CollectionError[];
}

export type JUnitProblem = 'too-large' | 'malformed-xml' | 'not-junit';

export class JUnitError extends Error {
  override name = 'JUnitError';
  readonly problem: JUnitProblem;
  constructor(problem: JUnitProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/** Far above any real exercise's report; the artifact reader enforces its own byte limit too. */
export const MAX_JUNIT_CHARACTERS = 8 * 1024 * 1024;

const OUTCOME_RANK: Record<TestCaseOutcome, number> = { passed: 0, skipped: 1, failed: 2, error: 3 };

const ARRAY_TAGS = new Set(['testsuite', 'testcase', 'property', 'failure', 'error', 'skipped']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (tagName) => ARRAY_TAGS.has(tagName),
  // JUnit reports never need DOCTYPE entities; standard ones (&lt; &#10;) are still decoded.
  processEntities: { enabled: true, maxEntityCount: 0, maxTotalExpansions: 100_000, maxExpandedLength: MAX_JUNIT_CHARACTERS },
  // Decodes numeric references (`&#10;`, pytest's newline in attributes) in the same pass as `&amp;`.
  htmlEntities: true,
  maxNestedTags: 64,
});

type XmlNode = Record<string, unknown>;

/** Parses a JUnit XML report as pytest writes it (`testsuites > testsuite > testcase`). */
export function parseJUnit(xml: string): JUnitResults {
  if (xml.length > MAX_JUNIT_CHARACTERS) {
    throw new JUnitError('too-large', `The JUnit XML is ${xml.length.toLocaleString('en-US')} characters long; the limit is ${MAX_JUNIT_CHARACTERS.toLocaleString('en-US')}.`);
  }
  if (xml.trim() === '') throw new JUnitError('malformed-xml', 'The JUnit XML is empty: pytest did not write a report.');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const unclosed = unclosedTags(valid.err.msg);
    throw new JUnitError('malformed-xml', unclosed === undefined
      ? `The JUnit XML is malformed (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg}`
      : `The JUnit XML is malformed: it ends before ${unclosed.map((tag) => `<${tag}>`).join(', ')} ${unclosed.length === 1 ? 'is' : 'are'} closed (was the report cut short?).`);
  }
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch (error) {
    throw new JUnitError('malformed-xml', `The JUnit XML could not be read: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const suites = rootSuites(document);
  if (suites === undefined) throw new JUnitError('not-junit', 'The XML is not a JUnit report: its root element is neither <testsuites> nor <testsuite>.');

  const byNodeId = new Map<string, TestCaseResult>();
  const collectionErrors: CollectionError[] = [];
  for (const testcase of suites.flatMap(testCases)) {
    const classname = attribute(testcase, 'classname') ?? '';
    const name = attribute(testcase, 'name');
    if (name === undefined) throw new JUnitError('not-junit', 'The JUnit XML has a <testcase> without a name.');
    const file = attribute(testcase, 'file');
    const { outcome, message } = outcomeOf(testcase);
    if (classname === '' && outcome === 'error') {
      collectionErrors.push({ module: file ?? modulePathOf(name), message: collectionMessage(testcase) });
      continue;
    }
    const result: TestCaseResult = { nodeId: nodeIdOf(classname, name, file), outcome, message, markers: markersOf(testcase) };
    const earlier = byNodeId.get(result.nodeId);
    // pytest reports a teardown error as a second entry; a repeated id never counts twice, and the worst outcome wins.
    if (earlier === undefined || OUTCOME_RANK[result.outcome] > OUTCOME_RANK[earlier.outcome]) {
      byNodeId.set(result.nodeId, { ...result, markers: [...new Set([...(earlier?.markers ?? []), ...result.markers])].sort() });
    }
  }
  return { tests: [...byNodeId.values()], collectionErrors };
}

/** The validator reports unclosed tags as `Invalid '["testsuites","testsuite"]' found.`, pointing at line 1. */
function unclosedTags(message: string): string[] | undefined {
  const listed = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(message);
  if (!listed) return undefined;
  try {
    const tags: unknown = JSON.parse(listed[1] ?? '');
    return Array.isArray(tags) && tags.every((tag): tag is string => typeof tag === 'string') ? tags : undefined;
  } catch {
    return undefined;
  }
}

function rootSuites(document: XmlNode): XmlNode[] | undefined {
  const testsuites = document.testsuites;
  if (testsuites !== undefined) {
    if (typeof testsuites !== 'object' || testsuites === null) return [];
    return childSuites(testsuites as XmlNode);
  }
  if (Array.isArray(document.testsuite)) return document.testsuite as XmlNode[];
  return undefined;
}

function childSuites(node: XmlNode): XmlNode[] {
  const suites = Array.isArray(node.testsuite) ? (node.testsuite as XmlNode[]) : [];
  return suites.flatMap((suite) => [suite, ...childSuites(suite)]);
}

function testCases(suite: XmlNode): XmlNode[] {
  return Array.isArray(suite.testcase) ? (suite.testcase as unknown[]).map((testcase) => (typeof testcase === 'object' && testcase !== null ? testcase as XmlNode : {})) : [];
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  return typeof value === 'string' ? value : undefined;
}

function outcomeOf(testcase: XmlNode): { outcome: TestCaseOutcome; message: string | undefined } {
  for (const [tag, outcome] of [['error', 'error'], ['failure', 'failed'], ['skipped', 'skipped']] as const) {
    const elements = testcase[tag];
    if (!Array.isArray(elements) || elements.length === 0) continue;
    const first: unknown = elements[0];
    const element = typeof first === 'object' && first !== null ? first as XmlNode : { '#text': String(first) };
    return { outcome, message: attribute(element, 'message') ?? attribute(element, '#text')?.trim() };
  }
  return { outcome: 'passed', message: undefined };
}

/** pytest's message is just "collection failure"; the reason is the traceback's last `E` line. */
function collectionMessage(testcase: XmlNode): string {
  const elements = testcase.error;
  const first: unknown = Array.isArray(elements) ? elements[0] : undefined;
  const text = typeof first === 'object' && first !== null ? attribute(first as XmlNode, '#text') ?? '' : '';
  const reasons = text.split('\n').filter((line) => /^E\s/.test(line)).map((line) => line.replace(/^E\s+/, '').trim());
  return reasons.at(-1) ?? (text.trim().split('\n')[0] || 'the module could not be imported');
}

function markersOf(testcase: XmlNode): string[] {
  const properties = testcase.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  const list = (properties as XmlNode).property;
  if (!Array.isArray(list)) return [];
  const markers = list
    .filter((property): property is XmlNode => typeof property === 'object' && property !== null && attribute(property as XmlNode, 'name') === 'marker')
    .map((property) => attribute(property, 'value'))
    .filter((value): value is string => value !== undefined && value !== '');
  return [...new Set(markers)].sort();
}

/**
 * pytest writes `classname="tests.test_x.TestY" name="test_z"` (and, with junit_family=xunit1,
 * `file="tests/test_x.py"`). With `file` the split between module and classes is exact; without
 * it, the first part that starts with `Test` begins the classes (pytest's default `python_classes`).
 */
export function nodeIdOf(classname: string, name: string, file?: string): string {
  const parts = classname.split('.');
  if (file !== undefined && file.endsWith('.py')) {
    const moduleParts = file.slice(0, -3).split('/');
    const classParts = moduleParts.every((part, index) => parts[index] === part) ? parts.slice(moduleParts.length) : [];
    return [file, ...classParts, name].join('::');
  }
  const firstClass = parts.findIndex((part, index) => index > 0 && /^Test/.test(part));
  const moduleParts = firstClass === -1 ? parts : parts.slice(0, firstClass);
  const classParts = firstClass === -1 ? [] : parts.slice(firstClass);
  return [`${moduleParts.join('/')}.py`, ...classParts, name].join('::');
}

/** A collection error names the module dotted (`tests.test_b`) when pytest wrote no `file`. */
function modulePathOf(dotted: string): string {
  return dotted.endsWith('.py') ? dotted : `${dotted.split('.').join('/')}.py`;
}
