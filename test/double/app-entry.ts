// Probot entry for the fault test: the production app (src/app/index.ts) with its GitHub client's
// timeout and back-off units taken from DOUBLE_* variables, because the app reads no such setting
// from the environment yet and a 120-second request timeout cannot be exercised in a unit test.

import { createOpsgradeApp } from '../../src/app/index.ts';
import { DEFAULT_CLIENT_SETTINGS } from '../../src/github/client.ts';

function milliseconds(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const requestTimeoutMs = milliseconds('DOUBLE_REQUEST_TIMEOUT_MS');
const retryBaseMs = milliseconds('DOUBLE_RETRY_BASE_MS');
const rateLimitBaseMs = milliseconds('DOUBLE_RATE_LIMIT_BASE_MS');

export default createOpsgradeApp({
  settings: {
    client: {
      ...DEFAULT_CLIENT_SETTINGS,
      ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
      ...(retryBaseMs === undefined ? {} : { retryBaseMs }),
      ...(rateLimitBaseMs === undefined ? {} : { rateLimitBaseMs }),
    },
  },
});
