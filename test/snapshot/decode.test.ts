// Decoding of file bytes into review text: UTF-8, byte order marks, Latin-1 damage, UTF-16, binary.

import { describe, expect, it } from 'vitest';
import { decodeContent, firstInvalidUtf8Offset } from '../../src/snapshot/decode.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeContent', () => {
  it('returns valid UTF-8 unchanged, including non-ASCII text', () => {
    expect(decodeContent(utf8('s = "café ✓ 🐍"\r\n'))).toEqual({ kind: 'text', text: 's = "café ✓ 🐍"\r\n' });
  });

  it('strips a UTF-8 byte order mark', () => {
    expect(decodeContent(bytes(0xef, 0xbb, 0xbf, ...utf8('print(1)\n')))).toEqual({ kind: 'text', text: 'print(1)\n' });
  });

  it('replaces each invalid byte with U+FFFD and reports the line of the first one', () => {
    const latin1 = bytes(...utf8('# ok\n# caf'), 0xe9, ...utf8('\nx = "na'), 0xef, ...utf8('ve"\n'));
    expect(decodeContent(latin1)).toEqual({ kind: 'not-utf8', text: '# ok\n# caf\uFFFD\nx = "na\uFFFDve"\n', line: 2 });
  });

  it('keeps a literal U+FFFD in valid UTF-8 as text', () => {
    expect(decodeContent(utf8('x = "\uFFFD"\n'))).toEqual({ kind: 'text', text: 'x = "\uFFFD"\n' });
  });

  it('treats a NUL byte anywhere as binary, also after the first 8 KiB', () => {
    expect(decodeContent(bytes(0x61, 0x00, 0x62))).toEqual({ kind: 'binary' });
    const late = new Uint8Array(20_000).fill(0x61);
    late[12_345] = 0;
    expect(decodeContent(late)).toEqual({ kind: 'binary' });
  });

  it('reads UTF-16 with a byte order mark (PowerShell redirection) before the NUL test', () => {
    const little = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('requests==2.32.3\r\n', 'utf16le')]);
    expect(decodeContent(little)).toEqual({ kind: 'utf16', text: 'requests==2.32.3\r\n' });
    const big = Buffer.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ok', 'utf16le')]).swap16());
    expect(decodeContent(big)).toEqual({ kind: 'utf16', text: 'ok' });
  });

  it('decodes an empty file as empty text', () => {
    expect(decodeContent(new Uint8Array(0))).toEqual({ kind: 'text', text: '' });
  });
});

describe('firstInvalidUtf8Offset', () => {
  it.each([
    ['valid mixed widths', [0x61, 0xc3, 0xa9, 0xe2, 0x9c, 0x93, 0xf0, 0x9f, 0x90, 0x8d], -1],
    ['lone continuation byte', [0x61, 0x80], 1],
    ['overlong two-byte form', [0xc0, 0xaf], 0],
    ['overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['UTF-16 surrogate encoded in UTF-8', [0x61, 0xed, 0xa0, 0x80], 1],
    ['code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['sequence cut off at the end', [0x61, 0x62, 0xe2, 0x9c], 2],
    ['Latin-1 e-acute', [0x63, 0x61, 0x66, 0xe9], 3],
  ])('%s', (_name, values, expected) => {
    expect(firstInvalidUtf8Offset(bytes(...values))).toBe(expected);
  });
});
