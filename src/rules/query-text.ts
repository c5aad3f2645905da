// Reading tree-sitter query text without compiling it: where its top-level patterns start and end.
// Compiling a query for the Python grammar is slow, so a rubric compiles all its rules' queries
// together once, and uses these counts to know which pattern belongs to which rule.

/**
 * Splits a query into its top-level patterns (with their captures and quantifiers), comments
 * dropped and whitespace folded, so equal patterns of different rules compare equal.
 */
export function splitPatterns(query: string): string[] {
  const patterns: string[] = [];
  let current = '';
  let depth = 0;
  for (let index = 0; index < query.length; index += 1) {
    const char = query[index] ?? '';
    if (char === ';') {
      while (index < query.length && query[index] !== '\n') index += 1;
      current += ' ';
      continue;
    }
    if (char === '"') {
      let end = index + 1;
      while (end < query.length && query[end] !== '"') end += query[end] === '\\' ? 2 : 1;
      if (depth === 0 && current.trim() !== '' && !/[@*+?!.]\s*$/.test(current)) {
        patterns.push(current);
        current = '';
      }
      current += query.slice(index, end + 1);
      index = end;
      continue;
    }
    if ((char === '(' || char === '[') && depth === 0 && current.trim() !== '') {
      patterns.push(current);
      current = '';
    }
    if (char === '(' || char === '[') depth += 1;
    if (char === ')' || char === ']') depth -= 1;
    current += char;
  }
  if (current.trim() !== '') patterns.push(current);
  return patterns.map((pattern) => pattern.replace(/\s+/g, ' ').trim());
}

/** True when every `(`/`[` outside strings and comments is closed, in order. */
export function balanced(query: string): boolean {
  const open: string[] = [];
  for (let index = 0; index < query.length; index += 1) {
    const char = query[index] ?? '';
    if (char === ';') {
      while (index < query.length && query[index] !== '\n') index += 1;
    } else if (char === '"') {
      index += 1;
      while (index < query.length && query[index] !== '"') index += query[index] === '\\' ? 2 : 1;
      if (index >= query.length) return false;
    } else if (char === '(' || char === '[') {
      open.push(char === '(' ? ')' : ']');
    } else if (char === ')' || char === ']') {
      if (open.pop() !== char) return false;
    }
  }
  return open.length === 0;
}

/** Capture names a query defines: `@name` outside of string literals. */
export function queryCaptures(query: string): Set<string> {
  const withoutStrings = query.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/;[^\n]*/g, '');
  return new Set([...withoutStrings.matchAll(/@([A-Za-z_][\w.-]*)/g)].map((match) => match[1] ?? ''));
}
