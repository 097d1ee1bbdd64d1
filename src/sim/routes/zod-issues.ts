import type { z } from 'zod';

/** One line naming every field that failed, for the clear 400 bodies each API answers with. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
