import { localInputToIso } from './format';
import { blankToUndefined } from './useContractForm';

/** Blank → undefined when creating, null when editing (clears the field). */
export const str = (value: string | boolean | undefined) =>
  value === undefined ? '' : String(value);
export const optional = (value: string | boolean | undefined, editing: boolean) =>
  blankToUndefined(str(value)) ?? (editing ? null : undefined);
export const optionalTime = (value: string | boolean | undefined, editing: boolean) =>
  localInputToIso(str(value)) ?? (editing ? null : undefined);
export const list = (value: string | boolean | undefined) =>
  str(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
