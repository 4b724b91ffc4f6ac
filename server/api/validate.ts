import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

/** zod issues as field issues: the path joined with dots, unknown keys named one by one. */
export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: base ? `${base}.${key}` : key,
        message: 'is not a known parameter',
      }));
    }
    return [{ field: base || '(root)', message: issue.message }];
  });
}

/** Parses `input` or throws a 400 ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  const names = [...new Set(issues.map((i) => i.field))].join(', ');
  throw new ValidationError(`Invalid ${what}: ${names}`, issues);
}
