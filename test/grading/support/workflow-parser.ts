// GitHub's workflow parser (@actions/workflow-parser) for the template tests. Its build imports a
// JSON schema without `with { type: 'json' }`, which Node refuses; a load hook adds the attribute
// for that package's JSON files only, then the parser is imported.

import { registerHooks } from 'node:module';

registerHooks({
  load(url, context, nextLoad) {
    if (url.includes('/@actions/workflow-parser/') && url.endsWith('.json')) {
      return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
    }
    return nextLoad(url, context);
  },
});

const parser = await import('@actions/workflow-parser');

export const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = parser;

/** Parses and converts a workflow file; returns GitHub's error messages (none for a valid file). */
export async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value === undefined) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  // Conversion repeats the parse errors it meets; each problem is reported once.
  return [...new Set([...errors, ...(template.errors ?? []).map((error) => error.Message)])];
}

/** The converted workflow (events with their inputs, jobs). */
export async function workflowTemplate(name: string, content: string) {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (parsed.value === undefined) throw new Error(`${name} did not parse`);
  return convertWorkflowTemplate(parsed.context, parsed.value);
}
