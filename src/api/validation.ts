/** Turning zod errors into one line that names the key and what is wrong. */
import type { z } from 'zod';

export function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(options)'}: ${issue.message}`)
    .join('; ');
}
