// Placeholders in a rule's message, fix hint and replacement: `{capture}` is the captured source
// text, `{capture:qualified}` the name it resolves to (`subprocess.run` for `sp.run`). One reading
// for the loader (which checks them), the rule plan (which computes only those used) and the review
// (which fills them in).

/** Group 1: the placeholder as written inside the braces; group 2: the capture it names. */
export const PLACEHOLDER = /\{(([A-Za-z_][\w.-]*)(?::qualified)?)\}/g;

/** The placeholders a template uses, as written (`call`, `call:qualified`), with their offsets. */
export interface Placeholder {
  /** As written inside the braces: `call`, `call:qualified`. */
  name: string;
  capture: string;
  qualified: boolean;
  /** Offset of the `{` in the template. */
  index: number;
}

export function placeholdersIn(template: string): Placeholder[] {
  return [...template.matchAll(PLACEHOLDER)].map((found) => ({
    name: found[1] ?? '',
    capture: found[2] ?? '',
    qualified: (found[1] ?? '').endsWith(':qualified'),
    index: found.index,
  }));
}

/** Fills placeholders from `values` (keyed as written); unknown ones are left as they are. */
export function fillPlaceholders(template: string, value: (name: string) => string | undefined): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => value(name) ?? whole);
}
