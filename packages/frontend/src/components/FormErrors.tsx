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

/** One error line that is announced when it appears; nothing while `message` is empty. */
export function ErrorLine({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
