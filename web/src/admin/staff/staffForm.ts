import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { schemaProperty } from '../problems.js';

export const MIN_PASSWORD = 12;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type NewStaffForm = { name: string; email: string; password: string; isOrgAdmin: boolean };

export function validateNewStaff(f: NewStaffForm): FieldError[] {
  const errors: FieldError[] = [];
  if (!f.name.trim()) errors.push({ fieldId: 'staff-name', text: 'Enter their full name' });
  else if (f.name.trim().length > 100)
    errors.push({ fieldId: 'staff-name', text: 'Full name must be 100 characters or fewer' });
  if (!f.email.trim()) errors.push({ fieldId: 'staff-email', text: 'Enter their email address' });
  else if (!EMAIL.test(f.email.trim()) || f.email.trim().length > 254)
    errors.push({ fieldId: 'staff-email', text: 'Enter an email address in the correct format, like name@nhs.net' });
  if (f.password.length < MIN_PASSWORD)
    errors.push({ fieldId: 'staff-password', text: `The password must be at least ${MIN_PASSWORD} characters` });
  else if (f.password.length > 200)
    errors.push({ fieldId: 'staff-password', text: 'The password must be 200 characters or fewer' });
  return errors;
}

/** Server problems about a new account, linked to the field they are about. */
export function newStaffFieldFor(problem: string): string | undefined {
  const property = schemaProperty(problem);
  if (property === 'name' || problem.startsWith('Name')) return 'staff-name';
  if (property === 'email' || /email/i.test(problem)) return 'staff-email';
  if (property === 'password' || problem.startsWith('Password')) return 'staff-password';
  return undefined;
}
