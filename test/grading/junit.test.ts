// JUnit XML as pytest writes it (xunit1 with `file`, xunit2 without), collection errors, repeated
// ids, and every kind of broken input turning into a JUnitError with an exact message.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { JUnitError, MAX_JUNIT_CHARACTERS, nodeIdOf, parseJUnit } from '../../src/grading/junit.ts';

const JUNIT = path.resolve(import.meta.dirname, '../../fixtures/grading/junit');
const read = (name: string) => readFileSync(path.join(JUNIT, name), 'utf8');

function failure(xml: string): { problem: string; message: string } {
  try {
    parseJUnit(xml);
  } catch (error) {
    if (error instanceof JUnitError) return { problem: error.problem, message: error.message };
    throw error;
  }
  throw new Error('expected a JUnitError');
}

describe('parseJUnit', () => {
  it('reads the fixture grader run (xunit1): node ids from `file`, markers from properties', () => {
    const results = parseJUnit(read('grader-tests-xunit1.xml'));
    expect(results.collectionErrors).toEqual([]);
    expect(results.tests.map((test) => [test.nodeId, test.outcome, test.markers])).toEqual([
      ['test_exit.py::test_all_healthy_exits_zero', 'passed', []],
      ['test_exit.py::test_one_unhealthy_exits_one', 'failed', []],
      ['test_health.py::test_health_url_adds_path', 'passed', []],
      ['test_health.py::test_health_url_ignores_trailing_slash', 'passed', []],
      ['test_health.py::test_request_has_timeout', 'passed', ['timeouts']],
      ['test_network.py::test_refused_connection_is_unhealthy', 'passed', []],
      ['test_network.py::test_reset_connection_is_unhealthy', 'failed', []],
    ]);
    expect(results.tests[1]?.message?.split('\n')[0]).toBe('AssertionError: assert 0 == 1');
  });

  it('reads xunit2 (no `file`): classes, parametrised ids, skips, setup errors, decoded entities', () => {
    const results = parseJUnit(read('pytest-xunit2.xml'));
    expect(results.tests.map((test) => [test.nodeId, test.outcome, test.message, test.markers])).toEqual([
      ['tests/test_a.py::TestY::test_z', 'failed', 'AssertionError: nope <&>\nassert 1 == 2', ['hidden']],
      ['tests/test_a.py::test_ok', 'passed', undefined, []],
      ['tests/test_a.py::test_skip', 'skipped', 'later', ['skip']],
      ['tests/test_a.py::test_err', 'failed', 'RuntimeError: boom', []],
      ['tests/test_a.py::test_fixture_err', 'error', 'failed on setup with "ValueError: fixture"', []],
      ['tests/test_a.py::test_param[1]', 'passed', undefined, ['parametrize']],
      ['tests/test_a.py::test_param[2]', 'failed', 'assert 2 == 1', ['parametrize']],
    ]);
  });

  it('turns a module that failed to import into a collection error with its reason', () => {
    expect(parseJUnit(read('collection-error.xml'))).toEqual({
      tests: [],
      collectionErrors: [{ module: 'tests/test_b.py', message: "ModuleNotFoundError: No module named 'nosuchmodule'" }],
    });
  });

  it('counts a repeated node id once, with its worst outcome (a teardown error after a pass)', () => {
    const xml = `<testsuites><testsuite name="pytest">
      <testcase classname="test_x" name="test_a" file="test_x.py"/>
      <testcase classname="test_x" name="test_a" file="test_x.py"><error message="failed on teardown with &quot;OSError&quot;">…</error></testcase>
      <testcase classname="test_x" name="test_b" file="test_x.py"><failure message="no">…</failure></testcase>
      <testcase classname="test_x" name="test_b" file="test_x.py"/>
    </testsuite></testsuites>`;
    expect(parseJUnit(xml).tests.map((test) => [test.nodeId, test.outcome, test.message])).toEqual([
      ['test_x.py::test_a', 'error', 'failed on teardown with "OSError"'],
      ['test_x.py::test_b', 'failed', 'no'],
    ]);
  });

  it('accepts a bare <testsuite> root and nested suites', () => {
    expect(parseJUnit('<testsuite><testcase classname="t.test_a" name="x"><failure>boom</failure></testcase></testsuite>').tests)
      .toEqual([{ nodeId: 't/test_a.py::x', outcome: 'failed', message: 'boom', markers: [] }]);
    const nested = '<testsuites><testsuite name="outer"><testsuite name="inner"><testcase classname="test_n" name="deep"/></testsuite></testsuite></testsuites>';
    expect(parseJUnit(nested).tests.map((test) => test.nodeId)).toEqual(['test_n.py::deep']);
  });

  it('does not expand DOCTYPE entities (no billion laughs)', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' +
      '<testsuites><testsuite><testcase classname="test_e" name="t"><failure message="&lol2;"/></testcase></testsuite></testsuites>';
    expect(parseJUnit(xml).tests[0]?.message).toBe('&lol2;');
  });

  it('explains malformed, empty, foreign and oversized input', () => {
    expect(failure('<testsuites><testsuite><testcase classname="a" name="b"></testsuite></testsuites>')).toEqual({
      problem: 'malformed-xml',
      message: "The JUnit XML is malformed (line 1, column 57): Expected closing tag 'testcase' (opened in line 1, col 24) instead of closing tag 'testsuite'.",
    });
    expect(failure('  \n')).toEqual({ problem: 'malformed-xml', message: 'The JUnit XML is empty: pytest did not write a report.' });
    expect(failure('<html><body/></html>')).toEqual({ problem: 'not-junit', message: 'The XML is not a JUnit report: its root element is neither <testsuites> nor <testsuite>.' });
    expect(failure('<testsuites><testsuite><testcase classname="a"/></testsuite></testsuites>')).toEqual({ problem: 'not-junit', message: 'The JUnit XML has a <testcase> without a name.' });
    expect(failure('{"tests": []}').problem).toBe('malformed-xml');
    const huge = `<testsuites>${' '.repeat(MAX_JUNIT_CHARACTERS)}</testsuites>`;
    expect(failure(huge)).toEqual({ problem: 'too-large', message: 'The JUnit XML is 8,388,633 characters long; the limit is 8,388,608.' });
  });
});

describe('nodeIdOf', () => {
  it('splits module and classes with `file`, and by the Test prefix without it', () => {
    expect(nodeIdOf('tests.test_api.TestClient.TestRetry', 'test_gives_up', 'tests/test_api.py')).toBe('tests/test_api.py::TestClient::TestRetry::test_gives_up');
    expect(nodeIdOf('tests.test_api.TestClient', 'test_x')).toBe('tests/test_api.py::TestClient::test_x');
    expect(nodeIdOf('test_api', 'test_x[1.5-a.b]')).toBe('test_api.py::test_x[1.5-a.b]');
    expect(nodeIdOf('pkg.Tests.test_api', 'test_x', 'pkg/Tests/test_api.py')).toBe('pkg/Tests/test_api.py::test_x');
  });
});
