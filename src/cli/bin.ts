#!/usr/bin/env -S node --max-semi-space-size=8
// The installed `opsgrade` executable.
// The `#!` line caps V8's young generation: a review allocates an object per tree-sitter match, and
// V8 would otherwise grow the young generation by ~100 MB on a large repository for no speed gain.
// `npm run opsgrade` passes the same flag (test/cli/entry.test.ts keeps the two in step).
// Node's compile cache (in the system's temporary folder) keeps the compiled, type-stripped modules
// between runs, which takes about a quarter off the start-up of every command. It is switched on before
// the command's modules load, hence the dynamic import.

import module from 'node:module';

module.enableCompileCache();
const { runFromProcess } = await import('./main.ts');
await runFromProcess();
