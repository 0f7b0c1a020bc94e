import {
  OperationCreate,
  OperationType,
  OperationUpdate,
  type Operation,
} from '@bot-mox/contracts';
import { Link } from 'react-router';
import { ContractForm, type FieldSpec } from '../../components/ContractForm';
import type { CollectionFormProps } from '../../components/CrudTable';
import { isoToLocalInput, localInputToIso } from '../../components/format';
import { optional, str } from '../../components/formValues';
import { botRoute } from '../bots/format';

const operationFields: FieldSpec[] = [
  { name: 'type', label: 'Type', type: 'select', options: OperationType.options },
  { name: 'category', label: 'Category', type: 'text', hint: 'A slug, e.g. gold_sale' },
  { name: 'amount', label: 'Amount', type: 'number', hint: 'Positive, e.g. 12.50' },
  { name: 'currency', label: 'Currency', type: 'text', hint: 'ISO code, e.g. USD' },
  { name: 'occurred_at', label: 'Occurred at', type: 'datetime' },
  { name: 'bot_id', label: 'Bot id', type: 'text' },
  { name: 'comment', label: 'Comment', type: 'textarea' },
];

export function OperationForm({ item, ...props }: CollectionFormProps<'Operations'>) {
  const editing = Boolean(item);
  return (
    <ContractForm
      label={editing ? 'Edit operation' : 'New operation'}
      fields={operationFields}
      initial={{
        type: item?.type ?? 'expense',
        category: item?.category ?? '',
        amount: item?.amount ?? '',
        currency: item?.currency ?? 'USD',
        occurred_at: isoToLocalInput(item?.occurred_at ?? new Date().toISOString()),
        bot_id: item?.bot_id ?? '',
        comment: item?.comment ?? '',
      }}
      schema={editing ? OperationUpdate : OperationCreate}
      toInput={(v) => ({
        type: v.type,
        category: str(v.category).trim(),
        amount: str(v.amount).trim().replace(',', '.'),
        currency: str(v.currency).trim().toUpperCase(),
        occurred_at: localInputToIso(str(v.occurred_at)),
        bot_id: optional(v.bot_id, editing),
        comment: str(v.comment),
      })}
      submitLabel={editing ? 'Save changes' : 'Add operation'}
      {...props}
    />
  );
}

/** The bot by name, linked to its page; a bot that is gone by the start of its id. */
export function BotCell({ operation: o }: { operation: Operation }) {
  if (!o.bot_id) return '—';
  if (o.bot_name === null) {
    return (
      <span className="muted" title={o.bot_id}>
        deleted bot {o.bot_id.slice(0, 8)}
      </span>
    );
  }
  return <Link to={botRoute(o.bot_id)}>{o.bot_name}</Link>;
}
