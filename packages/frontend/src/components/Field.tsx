import { useId, type ReactNode } from 'react';
import { humanize } from './format';

interface FieldProps {
  label: string;
  error?: string[] | string;
  hint?: string;
  /** Renders the control; spread the props onto the input/select/textarea. */
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
  }) => ReactNode;
  className?: string;
}

export function Field({ label, error, hint, children, className }: FieldProps) {
  const id = useId();
  const errors = typeof error === 'string' ? [error] : (error ?? []);
  const errorId = errors.length ? `${id}-error` : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div
      className={`field${errors.length ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}
    >
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': errors.length > 0, 'aria-describedby': describedBy })}
      {hint && (
        <small id={hintId} className="field-hint">
          {hint}
        </small>
      )}
      {errorId && (
        <small id={errorId} className="field-error">
          {errors.join(' ')}
        </small>
      )}
    </div>
  );
}

/** The `<option>`s of an enum, labelled for people ("in_progress" → "In progress"). */
export function EnumOptions({ values }: { values: readonly string[] }) {
  return values.map((v) => (
    <option key={v} value={v}>
      {humanize(v)}
    </option>
  ));
}
