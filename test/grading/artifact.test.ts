// The results artifact: read in memory, only the two expected files, bounded sizes, a zip bomb
// or a lying header stopped after one chunk, and a strict manifest.

import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import { ArtifactError, packResultsArtifact, readResultsArtifact } from '../../src/grading/artifact.ts';
import { manifestFor, workflowRunEvent } from './support/runs.ts';

const MANIFEST = manifestFor(workflowRunEvent());
const JUNIT = '<testsuites><testsuite><testcase classname="test_a" name="test_b" file="test_a.py"/></testsuite></testsuites>';
const manifestBytes = strToU8(JSON.stringify(MANIFEST));

function failure(zip: Uint8Array): { problem: string; message: string } {
  try {
    readResultsArtifact(zip);
  } catch (error) {
    if (error instanceof ArtifactError) return { problem: error.problem, message: error.message };
    throw error;
  }
  throw new Error('expected an ArtifactError');
}

/** Sets the uncompressed size a zip's central directory claims for its first entry. */
function claimSize(zip: Uint8Array, size: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (let offset = copy.byteLength - 22; offset >= 0; offset -= 1) {
    if (view.getUint32(offset, true) !== 0x06054b50) continue;
    const directory = view.getUint32(offset + 16, true);
    view.setUint32(directory + 24, size, true);
    return copy;
  }
  throw new Error('no end of central directory');
}

describe('readResultsArtifact', () => {
  it('reads the JUnit XML and the manifest, deflated or stored', () => {
    expect(readResultsArtifact(packResultsArtifact({ junitXml: JUNIT, manifest: MANIFEST }))).toEqual({ manifest: MANIFEST, junitXml: JUNIT });
    const stored = zipSync({ 'junit.xml': strToU8(JUNIT), 'manifest.json': manifestBytes }, { level: 0 });
    expect(readResultsArtifact(stored).junitXml).toBe(JUNIT);
  });

  it('allows a missing junit.xml (pytest stopped early) but not a missing manifest', () => {
    expect(readResultsArtifact(packResultsArtifact({ junitXml: undefined, manifest: MANIFEST })).junitXml).toBeUndefined();
    expect(failure(zipSync({ 'junit.xml': strToU8(JUNIT) }))).toEqual({ problem: 'missing-file', message: 'The results artifact has no `manifest.json`.' });
  });

  it('accepts only the two expected files', () => {
    expect(failure(zipSync({ 'junit.xml': strToU8(JUNIT), 'manifest.json': manifestBytes, 'conftest.py': strToU8('import os') }))).toEqual({
      problem: 'unexpected-entry', message: 'The results artifact contains `conftest.py`; only `junit.xml` and `manifest.json` are expected.',
    });
    expect(failure(zipSync({ '../manifest.json': manifestBytes })).message).toBe('The results artifact contains `../manifest.json`; only `junit.xml` and `manifest.json` are expected.');
  });

  it('stops a zip bomb after one chunk', () => {
    const bomb = zipSync({ 'junit.xml': new Uint8Array(5 * 1024 * 1024), 'manifest.json': manifestBytes });
    expect(bomb.byteLength).toBeLessThan(10_000);
    const result = failure(bomb);
    expect(result.problem).toBe('zip-bomb');
    expect(result.message).toMatch(/^`junit\.xml` in the results artifact expands more than 200 times its compressed size; it was not read\.$/);
  });

  it('does not trust the size an entry claims', () => {
    const bomb = zipSync({ 'junit.xml': new Uint8Array(5 * 1024 * 1024), 'manifest.json': manifestBytes });
    expect(failure(claimSize(bomb, 100)).problem).toBe('zip-bomb');
    expect(failure(claimSize(zipSync({ 'junit.xml': strToU8(JUNIT), 'manifest.json': manifestBytes }), 9 * 1024 * 1024))).toEqual({
      problem: 'too-large', message: '`junit.xml` in the results artifact is larger than 8,388,608 bytes.',
    });
  });

  it('refuses an artifact larger than the download limit, and bytes that are not a zip', () => {
    expect(failure(new Uint8Array(4 * 1024 * 1024 + 1))).toEqual({ problem: 'too-large', message: 'The results artifact is 4,194,305 bytes; the limit is 4,194,304.' });
    expect(failure(strToU8('<html>Not Found</html>'))).toEqual({ problem: 'not-a-zip', message: 'The results artifact is not a zip file.' });
    const zip64 = packResultsArtifact({ junitXml: JUNIT, manifest: MANIFEST });
    const view = new DataView(zip64.buffer);
    view.setUint16(zip64.byteLength - 22 + 10, 0xffff, true);
    expect(failure(zip64).problem).toBe('unsupported-zip');
  });

  it('validates the manifest strictly: no extra fields (such as points), exact SHA shape', () => {
    const withPoints = JSON.stringify({ ...MANIFEST, points: 100 });
    expect(failure(packResultsArtifact({ junitXml: JUNIT, manifest: withPoints }))).toEqual({
      problem: 'invalid-manifest', message: '`manifest.json` does not match the manifest schema: manifest must NOT have additional properties `points`',
    });
    expect(failure(packResultsArtifact({ junitXml: JUNIT, manifest: { ...MANIFEST, learnerSha: 'main' } })).message)
      .toBe('`manifest.json` does not match the manifest schema: learnerSha must match pattern "^[0-9a-f]{40}$"');
    expect(failure(packResultsArtifact({ junitXml: JUNIT, manifest: '{"schemaVersion": 1,' })).message).toMatch(/^`manifest\.json` is not valid JSON: /);
  });
});
