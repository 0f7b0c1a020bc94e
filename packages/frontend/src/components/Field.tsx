import { useId, type ReactNode } from 'react';

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
