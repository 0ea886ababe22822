import type { z } from 'zod';

/** Field names as a clinic reads them; any other field is spelled out from its camelCase name. */
const FIELD_LABELS: Record<string, string> = {
  clinicId: 'Clinic ID',
  dateOfBirth: 'Date of birth',
  diagnosisYear: 'Year of diagnosis',
  diabetesType: 'Diabetes type',
  changedBy: 'Your name',
  referableThreshold: 'Operating point',
  importPattern: 'File-name pattern',
};

function label(path: readonly PropertyKey[]): string | null {
  const key = [...path].reverse().find((p): p is string => typeof p === 'string');
  if (!key) return null;
  const words = FIELD_LABELS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function sentence(issue: z.core.$ZodIssue): string {
  const field = label(issue.path);
  // Our own messages are already sentences; zod's defaults ("Invalid input: expected string…") are not.
  const own = /^[A-Z].*[.?!]$/.test(issue.message) && !issue.message.startsWith('Invalid ');
  if (own) return issue.message;
  const subject = field ?? 'A value';
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `${subject} is required.`
        : `${subject} has the wrong kind of value.`;
    case 'too_small':
      return `${subject} is too short or too small.`;
    case 'too_big':
      return `${subject} is too long or too large.`;
    case 'invalid_value':
      return `${subject} must be one of: ${issue.values.map(String).join(', ')}.`;
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.join(', ')}.`;
    default:
      return `${subject} is not valid.`;
  }
}

/**
 * A validation failure as sentences a clinic can act on ("Date of birth: The date is in the future."), never
 * the validator's raw output. Each field is named once, with its first problem.
 */
export function validationMessage(error: z.ZodError): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    if (seen.has(key)) continue;
    seen.add(key);
    const field = label(issue.path);
    const text = sentence(issue);
    lines.push(field && !text.startsWith(field) ? `${field}: ${text}` : text);
  }
  return lines.join(' ');
}
