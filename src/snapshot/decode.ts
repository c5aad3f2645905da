// Turns the bytes of one repository file into review text, or says why it cannot be text.
// Used by the snapshot builder for every source (directory or tarball) so both decode alike.

/** What a file's bytes turned out to be. */
export type DecodedContent =
  | { kind: 'text'; text: string }
  /** Valid text in another encoding we can still read exactly (UTF-16 with a byte order mark). */
  | { kind: 'utf16'; text: string }
  /** Not valid UTF-8: decoded with U+FFFD for each bad sequence; `line` is 1-based. */
  | { kind: 'not-utf8'; text: string; line: number }
  | { kind: 'binary' };

const NUL = 0;
const LINE_FEED = 0x0a;

/**
 * Decodes a file as UTF-8, stripping a UTF-8 byte order mark.
 * A NUL byte anywhere makes it binary: Python source cannot contain one, and checking the
 * whole file (at most `maxFileBytes`) is cheap, so a stray NUL after the first 8 KiB is caught too.
 */
export function decodeContent(bytes: Uint8Array): DecodedContent {
  const utf16 = utf16Encoding(bytes);
  if (utf16 !== undefined) {
    // UTF-16 text is full of NUL bytes, so this must come before the binary test.
    return { kind: 'utf16', text: new TextDecoder(utf16, { ignoreBOM: false }).decode(bytes) };
  }
  if (bytes.includes(NUL)) return { kind: 'binary' };
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  const invalidAt = firstInvalidUtf8Offset(bytes);
  if (invalidAt === -1) return { kind: 'text', text };
  return { kind: 'not-utf8', text, line: lineOfOffset(bytes, invalidAt) };
}

/** Only a byte order mark makes UTF-16 recognisable; without one the NULs mark the file as binary. */
function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length < 2) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    // Ranges from the Unicode standard, table 3-7 "Well-Formed UTF-8 Byte Sequences".
    let length: number;
    let secondMin = 0x80;
    let secondMax = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) secondMin = 0xa0;
      if (lead === 0xed) secondMax = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) secondMin = 0x90;
      if (lead === 0xf4) secondMax = 0x8f;
    } else return index;
    for (let offset = 1; offset < length; offset += 1) {
      const next = bytes[index + offset];
      const min = offset === 1 ? secondMin : 0x80;
      const max = offset === 1 ? secondMax : 0xbf;
      if (next === undefined || next < min || next > max) return index;
    }
    index += length;
  }
  return -1;
}

function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset; index += 1) {
    if (bytes[index] === LINE_FEED) line += 1;
  }
  return line;
}
