/** A write names a record that does not exist (e.g. a bot_id). Answered as 400 naming the field. */
export class InvalidReferenceError extends Error {
  override name = 'InvalidReferenceError';
  readonly field: string;
  constructor(field: string, message = 'refers to a record that does not exist') {
    super(message);
    this.field = field;
  }
}
