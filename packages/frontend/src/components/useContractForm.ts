import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { ApiError, describeError, type FieldErrors } from '@bot-mox/contracts/client';

type FormValues = Record<string, string | boolean>;

interface Options<V extends FormValues, S extends z.ZodType> {
  initial: V;
  /** The contract schema of the request body. */
  schema: S;
  /** Turns the raw form values (strings) into the request body the schema checks. */
  toInput: (values: V) => unknown;
  submit: (body: z.infer<S>) => Promise<unknown>;
  onSuccess?: () => void;
}

export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Blank strings become undefined, so optional fields stay optional. */
export function blankToUndefined(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function numberOrRaw(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

/**
 * A form bound to a contract schema: validates before sending, shows the API's field errors
 * (problem+json) next to the fields, and keeps what was typed when a save fails.
 */
export function useContractForm<V extends FormValues, S extends z.ZodType>({
  initial,
  schema,
  toInput,
  submit,
  onSuccess,
}: Options<V, S>) {
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const setValue = <K extends keyof V>(name: K, value: V[K]) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => {
      if (!(name in current)) return current;
      const next = { ...current };
      delete next[name as string];
      return next;
    });
  };

  const handleSubmit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (submitting) return;
    setFormError(null);
    const parsed = schema.safeParse(toInput(values));
    if (!parsed.success) {
      setErrors(issuesToFieldErrors(parsed.error.issues));
      setFormError('Please correct the highlighted fields.');
      return;
    }
    setErrors({});
    setSubmitting(true);
    try {
      await submit(parsed.data);
      onSuccess?.();
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fieldErrors).length > 0) {
        setErrors(error.fieldErrors);
        setFormError(error.problem.title);
      } else {
        setFormError(`Not saved: ${describeError(error)}`);
      }
    } finally {
      setSubmitting(false);
    }
  };

  /** Errors for a field, including nested paths under it (e.g. `tags.0`). */
  const errorFor = (name: string): string[] | undefined => {
    const list = Object.entries(errors)
      .filter(([key]) => key === name || key.startsWith(`${name}.`))
      .flatMap(([, messages]) => messages);
    return list.length ? list : undefined;
  };

  /** Field errors that do not belong to any rendered field. */
  const otherErrors = (rendered: readonly string[]): string[] =>
    Object.entries(errors)
      .filter(([key]) => !rendered.some((name) => key === name || key.startsWith(`${name}.`)))
      .map(([key, messages]) =>
        key === '_form' ? messages.join(' ') : `${key}: ${messages.join(' ')}`,
      );

  return {
    values,
    setValue,
    errors,
    errorFor,
    otherErrors,
    formError,
    submitting,
    handleSubmit,
    setValues,
  };
}
