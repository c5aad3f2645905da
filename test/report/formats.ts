// The JSON Schema formats our schemas use, for Ajv without the `ajv-formats` package: RFC 3986
// character checks, strict enough to reject a path with a space or an unescaped `#` in a URI.

import type { Ajv } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';

const URI_CHARACTERS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function isUriReference(value: string): boolean {
  return URI_CHARACTERS.test(value) && (value.match(/#/g) ?? []).length <= 1;
}

export function isUri(value: string): boolean {
  return SCHEME.test(value) && isUriReference(value) && URL.canParse(value);
}

export function addFormats(ajv: Ajv | Ajv2020): void {
  ajv.addFormat('uri', isUri);
  ajv.addFormat('uri-reference', isUriReference);
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/.test(value));
}
