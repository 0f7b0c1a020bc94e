/** The form-level error line plus field errors that have no field on screen. */
export function FormErrors({ formError, other }: { formError: string | null; other: string[] }) {
  if (!formError && other.length === 0) return null;
  return (
    <div className="form-error" role="alert">
      {formError && <div>{formError}</div>}
      {other.map((message) => (
        <div key={message}>{message}</div>
      ))}
    </div>
  );
}
