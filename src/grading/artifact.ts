// Reads the results artifact of a grading run (a zip of `junit.xml` + `manifest.json`) in memory,
// with size limits and a zip-bomb guard, and validates the manifest. Pure: the app downloads the
// bytes (the link expires after a minute) and hands them here; nothing touches the disk.

import { Ajv } from 'ajv';
import { Inflate, strFromU8, strToU8, zipSync } from 'fflate';

/** The name the workflow templates upload under, and the app looks for. */
export const RESULTS_ARTIFACT_NAME = 'opsgrade-results';
export const JUNIT_FILE = 'junit.xml';
export const MANIFEST_FILE = 'manifest.json';

export interface ArtifactLimits {
  /** The zip as downloaded (compare the artifact's `size_in_bytes` before downloading). */
  maxZipBytes: number;
  maxJUnitBytes: number;
  maxManifestBytes: number;
  /** Highest uncompressed ÷ compressed size of any entry. */
  maxRatio: number;
}

export const ARTIFACT_LIMITS: ArtifactLimits = {
  maxZipBytes: 4 * 1024 * 1024,
  maxJUnitBytes: 8 * 1024 * 1024,
  maxManifestBytes: 16 * 1024,
  maxRatio: 200,
};

/** What the grading workflow writes next to the JUnit XML. */
export interface ResultsManifest {
  schemaVersion: 1;
  learnerRepository: string;
  learnerSha: string;
  chapter: string;
  exercise: string;
  correlationId: string;
  workflow: { repository: string; path: string; runId: number; runAttempt: number };
  pytest: { exitCode: number; timedOut: boolean };
}

export const resultsManifestSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'OpsGrade results manifest',
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'learnerRepository', 'learnerSha', 'chapter', 'exercise', 'correlationId', 'workflow', 'pytest'],
  properties: {
    schemaVersion: { const: 1 },
    learnerRepository: { type: 'string', pattern: '^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$' },
    learnerSha: { type: 'string', pattern: '^[0-9a-f]{40}$' },
    chapter: { type: 'string', pattern: '^(?:[1-9]|1[0-9]|2[0-3]|project-[1-4])$' },
    exercise: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
    correlationId: { type: 'string', pattern: '^[A-Za-z0-9-]{8,64}$' },
    workflow: {
      type: 'object',
      additionalProperties: false,
      required: ['repository', 'path', 'runId', 'runAttempt'],
      properties: {
        repository: { type: 'string', pattern: '^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$' },
        path: { type: 'string', pattern: '^\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml$' },
        runId: { type: 'integer', minimum: 1 },
        runAttempt: { type: 'integer', minimum: 1 },
      },
    },
    pytest: {
      type: 'object',
      additionalProperties: false,
      required: ['exitCode', 'timedOut'],
      properties: {
        exitCode: { type: 'integer', minimum: -255, maximum: 255 },
        timedOut: { type: 'boolean' },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateManifest = ajv.compile<ResultsManifest>(resultsManifestSchema as object);

export type ArtifactProblem = 'too-large' | 'not-a-zip' | 'unsupported-zip' | 'unexpected-entry' | 'missing-file' | 'zip-bomb' | 'invalid-manifest';

export class ArtifactError extends Error {
  override name = 'ArtifactError';
  readonly problem: ArtifactProblem;
  constructor(problem: ArtifactProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export interface ResultsArtifact {
  manifest: ResultsManifest;
  /** Absent when pytest stopped before writing it; the manifest's exit code says why. */
  junitXml: string | undefined;
}

/** Unzips and checks a results artifact; every problem is an ArtifactError saying what is wrong. */
export function readResultsArtifact(zip: Uint8Array, limits: ArtifactLimits = ARTIFACT_LIMITS): ResultsArtifact {
  if (zip.byteLength > limits.maxZipBytes) {
    throw new ArtifactError('too-large', `The results artifact is ${zip.byteLength.toLocaleString('en-US')} bytes; the limit is ${limits.maxZipBytes.toLocaleString('en-US')}.`);
  }
  const entries = readCentralDirectory(zip);
  const wanted: Record<string, number> = { [JUNIT_FILE]: limits.maxJUnitBytes, [MANIFEST_FILE]: limits.maxManifestBytes };
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const limit = wanted[entry.name];
    if (limit === undefined) {
      throw new ArtifactError('unexpected-entry', `The results artifact contains \`${entry.name}\`; only \`${JUNIT_FILE}\` and \`${MANIFEST_FILE}\` are expected.`);
    }
    if (files.has(entry.name)) throw new ArtifactError('unexpected-entry', `The results artifact contains \`${entry.name}\` twice.`);
    files.set(entry.name, strFromU8(extract(zip, entry, limit, limits.maxRatio)));
  }
  const manifestText = files.get(MANIFEST_FILE);
  if (manifestText === undefined) throw new ArtifactError('missing-file', `The results artifact has no \`${MANIFEST_FILE}\`.`);
  return { manifest: parseManifest(manifestText), junitXml: files.get(JUNIT_FILE) };
}

export function parseManifest(text: string): ResultsManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError('invalid-manifest', `\`${MANIFEST_FILE}\` is not valid JSON: ${(error as Error).message}`);
  }
  if (!validateManifest(data)) {
    const problems = (validateManifest.errors ?? []).map((error) => {
      const where = error.instancePath === '' ? 'manifest' : error.instancePath.slice(1).replaceAll('/', '.');
      const extra = error.keyword === 'additionalProperties' ? ` \`${String((error.params as { additionalProperty: string }).additionalProperty)}\`` : '';
      return `${where} ${error.message ?? 'is not valid'}${extra}`;
    });
    throw new ArtifactError('invalid-manifest', `\`${MANIFEST_FILE}\` does not match the manifest schema: ${problems.join('; ')}`);
  }
  return data;
}

/** Builds an artifact zip as `actions/upload-artifact` does; for tests and local runs. */
export function packResultsArtifact(files: { junitXml: string | undefined; manifest: ResultsManifest | string }): Uint8Array {
  const manifest = typeof files.manifest === 'string' ? files.manifest : `${JSON.stringify(files.manifest, null, 2)}\n`;
  return zipSync({
    ...(files.junitXml === undefined ? {} : { [JUNIT_FILE]: strToU8(files.junitXml) }),
    [MANIFEST_FILE]: strToU8(manifest),
  });
}

// ---------------------------------------------------------------------------------------------
// A minimal zip reader. fflate's `unzipSync` allocates whatever size an entry claims and inflates
// without a bound, so entries are located here and inflated in small chunks with a running count.

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_ENTRIES = 16;
const INFLATE_CHUNK = 16 * 1024;

function readCentralDirectory(zip: Uint8Array): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let offset = zip.byteLength - 22; offset >= Math.max(0, zip.byteLength - 22 - 65_535); offset -= 1) {
    if (view.getUint32(offset, true) === EOCD_SIGNATURE) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) throw new ArtifactError('not-a-zip', 'The results artifact is not a zip file.');
  const count = view.getUint16(eocd + 10, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new ArtifactError('unsupported-zip', 'The results artifact is a ZIP64 archive, which a results artifact never needs.');
  if (count > MAX_ENTRIES) throw new ArtifactError('unexpected-entry', `The results artifact has ${count} entries; it should hold \`${JUNIT_FILE}\` and \`${MANIFEST_FILE}\`.`);
  const entries: ZipEntry[] = [];
  let offset = directoryOffset;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (let index = 0; index < count; index += 1) {
    if (offset + 46 > zip.byteLength || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) {
      throw new ArtifactError('not-a-zip', 'The results artifact has a damaged zip directory.');
    }
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    entries.push({
      method: view.getUint16(offset + 10, true),
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
      name: decoder.decode(zip.subarray(offset + 46, offset + 46 + nameLength)),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function extract(zip: Uint8Array, entry: ZipEntry, limit: number, maxRatio: number): Uint8Array {
  const tooLarge = () => new ArtifactError('too-large', `\`${entry.name}\` in the results artifact is larger than ${limit.toLocaleString('en-US')} bytes.`);
  if (entry.size > limit) throw tooLarge();
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > zip.byteLength || view.getUint32(local, true) !== LOCAL_SIGNATURE) {
    throw new ArtifactError('not-a-zip', `The results artifact has a damaged entry for \`${entry.name}\`.`);
  }
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const end = start + entry.compressedSize;
  if (end > zip.byteLength) throw new ArtifactError('not-a-zip', `The results artifact is cut short inside \`${entry.name}\`.`);
  const data = zip.subarray(start, end);
  switch (entry.method) {
    case 0:
      if (data.byteLength > limit) throw tooLarge();
      return data.slice();
    case 8:
      return inflateBounded(data, entry, Math.min(limit, Math.max(1024, entry.compressedSize * maxRatio)), limit);
    default:
      throw new ArtifactError('unsupported-zip', `\`${entry.name}\` uses zip compression method ${entry.method}; only stored and deflated entries are read.`);
  }
}

/** Inflates chunk by chunk and stops as soon as the output passes `bound`: a bomb costs at most one chunk's expansion. */
function inflateBounded(data: Uint8Array, entry: ZipEntry, bound: number, limit: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let exceeded = false;
  const inflate = new Inflate((chunk) => {
    produced += chunk.byteLength;
    if (produced > bound) exceeded = true;
    else chunks.push(chunk);
  });
  try {
    for (let offset = 0; offset < data.byteLength && !exceeded; offset += INFLATE_CHUNK) {
      inflate.push(data.subarray(offset, offset + INFLATE_CHUNK), offset + INFLATE_CHUNK >= data.byteLength);
    }
  } catch (error) {
    throw new ArtifactError('not-a-zip', `\`${entry.name}\` in the results artifact cannot be decompressed: ${(error as Error).message}`);
  }
  if (exceeded) {
    throw bound === limit
      ? new ArtifactError('too-large', `\`${entry.name}\` in the results artifact is larger than ${limit.toLocaleString('en-US')} bytes.`)
      : new ArtifactError('zip-bomb', `\`${entry.name}\` in the results artifact expands more than ${Math.round(bound / Math.max(1, entry.compressedSize))} times its compressed size; it was not read.`);
  }
  return new Uint8Array(Buffer.concat(chunks, produced));
}
