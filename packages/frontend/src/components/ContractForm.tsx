import type { z } from 'zod';
import { EnumOptions, Field } from './Field';
import { FormErrors } from './FormErrors';
import { useContractForm } from './useContractForm';

export type FieldSpec =
  | {
      name: string;
      label: string;
      type: 'text' | 'number' | 'datetime' | 'date' | 'textarea' | 'password';
      hint?: string;
      placeholder?: string;
      wide?: boolean;
    }
  | {
      name: string;
      label: string;
      type: 'select';
      options: readonly string[];
      hint?: string;
      allowEmpty?: string;
      wide?: boolean;
    }
  | { name: string; label: string; type: 'checkbox'; hint?: string; wide?: boolean };

export type FormValues = Record<string, string | boolean>;

interface ContractFormProps<S extends z.ZodType> {
  label: string;
  fields: readonly FieldSpec[];
  initial: FormValues;
  schema: S;
  toInput: (values: FormValues) => unknown;
  onSubmit: (body: z.infer<S>) => Promise<unknown>;
  onDone: () => void;
  onCancel?: () => void;
  submitLabel: string;
}

/**
 * A form described by its fields and bound to a contract schema (see useContractForm): local
 * validation first, API field errors after, typed values kept on failure.
 */
export function ContractForm<S extends z.ZodType>({
  label,
  fields,
  initial,
  schema,
  toInput,
  onSubmit,
  onDone,
  onCancel,
  submitLabel,
}: ContractFormProps<S>) {
  const form = useContractForm({ initial, schema, toInput, submit: onSubmit, onSuccess: onDone });
  const { values, setValue, errorFor } = form;

  return (
    <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-label={label}>
      <div className="form-grid">
        {fields.map((f) => {
          if (f.type === 'checkbox') {
            return (
              <label key={f.name} className="checkbox">
                <input
                  type="checkbox"
                  checked={values[f.name] === true}
                  onChange={(e) => setValue(f.name, e.target.checked)}
                />
                {f.label}
              </label>
            );
          }
          const value = String(values[f.name] ?? '');
          const onChange = (e: { target: { value: string } }) => setValue(f.name, e.target.value);
          return (
            <Field
              key={f.name}
              label={f.label}
              hint={f.hint}
              error={errorFor(f.name)}
              className={f.wide || f.type === 'textarea' ? 'wide' : undefined}
            >
              {(p) =>
                f.type === 'select' ? (
                  <select {...p} value={value} onChange={onChange}>
                    {f.allowEmpty !== undefined && <option value="">{f.allowEmpty}</option>}
                    <EnumOptions values={f.options} />
                  </select>
                ) : f.type === 'textarea' ? (
                  <textarea {...p} value={value} onChange={onChange} />
                ) : (
                  <input
                    {...p}
                    type={
                      f.type === 'datetime'
                        ? 'datetime-local'
                        : f.type === 'number'
                          ? 'text'
                          : f.type
                    }
                    inputMode={f.type === 'number' ? 'decimal' : undefined}
                    placeholder={'placeholder' in f ? f.placeholder : undefined}
                    value={value}
                    onChange={onChange}
                  />
                )
              }
            </Field>
          );
        })}
      </div>
      <FormErrors formError={form.formError} other={form.otherErrors(fields.map((f) => f.name))} />
      <div className="form-actions">
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {form.submitting ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
