// The tree-sitter addon frees a parse tree only when V8 collects its wrapper and the event loop
// then runs the addon's finalizer. A review allocates little JavaScript, so V8 rarely collects on
// its own and trees pile up in native memory. Long reviews call `releaseParseTrees` now and then.

import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | null | undefined;

function garbageCollector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    // `--expose-gc` can be switched on at run time; the function lives in a fresh context.
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

/** Collects garbage, then yields so the addon's finalizers free the trees no one refers to. */
export async function releaseParseTrees(): Promise<void> {
  garbageCollector()?.();
  await new Promise((resolve) => setImmediate(resolve));
}
