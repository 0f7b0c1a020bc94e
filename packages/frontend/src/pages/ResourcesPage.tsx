import {
  LicenseCreate,
  LicenseStatus,
  LicenseType,
  LicenseUpdate,
  ProxyCreate,
  ProxyStatus,
  ProxyUpdate,
  SubscriptionCreate,
  SubscriptionType,
  SubscriptionUpdate,
} from '@bot-mox/contracts';
import { keys } from '../api/keys';
import { ContractForm, type FieldSpec } from '../components/ContractForm';
import { CrudTable, type CollectionFormProps } from '../components/CrudTable';
import { TabbedPage } from '../components/Tabs';
import { formatDateTime, formatMoney, humanize, isoToLocalInput } from '../components/format';
import { list, optional, optionalTime } from '../components/formValues';
import { numberOrRaw } from '../components/useContractForm';

const Badge = ({ value }: { value: string }) => (
  <span className={`badge badge-${value}`}>{humanize(value)}</span>
);

// ---- licenses -------------------------------------------------------------------------------
const licenseFields: FieldSpec[] = [
  { name: 'key', label: 'Key', type: 'text', wide: true },
  { name: 'type', label: 'Type', type: 'select', options: LicenseType.options },
  { name: 'status', label: 'Status', type: 'select', options: LicenseStatus.options },
  { name: 'expires_at', label: 'Expires at', type: 'datetime' },
  { name: 'bot_ids', label: 'Bot ids', type: 'text', hint: 'Comma separated', wide: true },
];

function LicenseForm({ item, ...props }: CollectionFormProps<'Licenses'>) {
  const editing = Boolean(item);
  return (
    <ContractForm
      label={editing ? 'Edit license' : 'New license'}
      fields={licenseFields}
      initial={{
        key: item?.key ?? '',
        type: item?.type ?? 'single',
        status: item?.status ?? 'active',
        expires_at: isoToLocalInput(item?.expires_at),
        bot_ids: item?.bot_ids.join(', ') ?? '',
      }}
      schema={editing ? LicenseUpdate : LicenseCreate}
      toInput={(v) => ({
        key: String(v.key),
        type: v.type,
        status: v.status,
        expires_at: optionalTime(v.expires_at, editing),
        bot_ids: list(v.bot_ids),
      })}
      submitLabel={editing ? 'Save changes' : 'Create license'}
      {...props}
    />
  );
}

function LicensesTab() {
  return (
    <CrudTable
      collection="Licenses"
      noun="license"
      title="Licenses"
      queryKey={keys.licenses}
      itemLabel={(l) => l.key}
      columns={[
        { header: 'Key', cell: (l) => <code>{l.key}</code> },
        { header: 'Type', cell: (l) => humanize(l.type) },
        { header: 'Status', cell: (l) => <Badge value={l.status} /> },
        { header: 'Expires', cell: (l) => formatDateTime(l.expires_at) },
        { header: 'Bots', cell: (l) => l.bot_ids.length, numeric: true },
      ]}
      renderForm={(p) => <LicenseForm {...p} />}
      query={{ sort: 'expires_at' }}
      invalidateAlso={[['dashboard']]}
    />
  );
}

// ---- proxies --------------------------------------------------------------------------------
const proxyFields: FieldSpec[] = [
  { name: 'ip', label: 'IP address', type: 'text' },
  { name: 'port', label: 'Port', type: 'number' },
  { name: 'provider', label: 'Provider', type: 'text' },
  { name: 'country', label: 'Country', type: 'text', hint: 'Two letters, e.g. DE' },
  { name: 'login', label: 'Login', type: 'text' },
  { name: 'password', label: 'Password', type: 'password' },
  { name: 'status', label: 'Status', type: 'select', options: ProxyStatus.options },
  { name: 'expires_at', label: 'Expires at', type: 'datetime' },
  { name: 'bot_id', label: 'Bot id', type: 'text' },
];

function ProxyForm({ item, ...props }: CollectionFormProps<'Proxies'>) {
  const editing = Boolean(item);
  return (
    <ContractForm
      label={editing ? 'Edit proxy' : 'New proxy'}
      fields={proxyFields}
      initial={{
        ip: item?.ip ?? '',
        port: item ? String(item.port) : '',
        provider: item?.provider ?? '',
        country: item?.country ?? '',
        login: item?.login ?? '',
        password: item?.password ?? '',
        status: item?.status ?? 'active',
        expires_at: isoToLocalInput(item?.expires_at),
        bot_id: item?.bot_id ?? '',
      }}
      schema={editing ? ProxyUpdate : ProxyCreate}
      toInput={(v) => ({
        ip: String(v.ip).trim(),
        port: numberOrRaw(String(v.port)),
        provider: String(v.provider),
        country: optional(String(v.country).toUpperCase(), editing),
        login: optional(v.login, editing),
        password: optional(v.password, editing),
        status: v.status,
        expires_at: optionalTime(v.expires_at, editing),
        bot_id: optional(v.bot_id, editing),
      })}
      submitLabel={editing ? 'Save changes' : 'Create proxy'}
      {...props}
    />
  );
}

function ProxiesTab() {
  return (
    <CrudTable
      collection="Proxies"
      noun="proxy"
      title="Proxies"
      queryKey={keys.proxies}
      itemLabel={(p) => `${p.ip}:${p.port}`}
      columns={[
        { header: 'Address', cell: (p) => <code>{`${p.ip}:${p.port}`}</code> },
        { header: 'Provider', cell: (p) => p.provider },
        { header: 'Country', cell: (p) => p.country ?? '—' },
        { header: 'Status', cell: (p) => <Badge value={p.status} /> },
        { header: 'Expires', cell: (p) => formatDateTime(p.expires_at) },
        { header: 'Bot', cell: (p) => p.bot_id ?? '—' },
      ]}
      renderForm={(p) => <ProxyForm {...p} />}
      query={{ sort: 'expires_at' }}
      invalidateAlso={[['dashboard']]}
    />
  );
}

// ---- subscriptions --------------------------------------------------------------------------
const subscriptionFields: FieldSpec[] = [
  { name: 'name', label: 'Name', type: 'text', wide: true },
  { name: 'type', label: 'Type', type: 'select', options: SubscriptionType.options },
  { name: 'price', label: 'Price', type: 'number', hint: 'e.g. 14.99' },
  { name: 'currency', label: 'Currency', type: 'text', hint: 'ISO code, e.g. EUR' },
  { name: 'renews_at', label: 'Renews at', type: 'datetime' },
  { name: 'bot_id', label: 'Bot id', type: 'text' },
];

function SubscriptionForm({ item, ...props }: CollectionFormProps<'Subscriptions'>) {
  const editing = Boolean(item);
  return (
    <ContractForm
      label={editing ? 'Edit subscription' : 'New subscription'}
      fields={subscriptionFields}
      initial={{
        name: item?.name ?? '',
        type: item?.type ?? 'service',
        price: item?.price ?? '',
        currency: item?.currency ?? 'EUR',
        renews_at: isoToLocalInput(item?.renews_at),
        bot_id: item?.bot_id ?? '',
      }}
      schema={editing ? SubscriptionUpdate : SubscriptionCreate}
      toInput={(v) => ({
        name: String(v.name),
        type: v.type,
        price: String(v.price).trim().replace(',', '.'),
        currency: String(v.currency).trim().toUpperCase(),
        renews_at: optionalTime(v.renews_at, editing),
        bot_id: optional(v.bot_id, editing),
      })}
      submitLabel={editing ? 'Save changes' : 'Create subscription'}
      {...props}
    />
  );
}

function SubscriptionsTab() {
  return (
    <CrudTable
      collection="Subscriptions"
      noun="subscription"
      title="Subscriptions"
      queryKey={keys.subscriptions}
      itemLabel={(s) => s.name}
      columns={[
        { header: 'Name', cell: (s) => s.name },
        { header: 'Type', cell: (s) => humanize(s.type) },
        { header: 'Price', cell: (s) => formatMoney(s.price, s.currency), numeric: true },
        { header: 'Renews', cell: (s) => formatDateTime(s.renews_at) },
        { header: 'Bot', cell: (s) => s.bot_id ?? '—' },
      ]}
      renderForm={(p) => <SubscriptionForm {...p} />}
      query={{ sort: 'renews_at' }}
      invalidateAlso={[['dashboard']]}
    />
  );
}

// ---- tabs -----------------------------------------------------------------------------------
const TABS = [
  { id: 'licenses', label: 'Licenses', Panel: LicensesTab },
  { id: 'proxies', label: 'Proxies', Panel: ProxiesTab },
  { id: 'subscriptions', label: 'Subscriptions', Panel: SubscriptionsTab },
] as const;

export default function ResourcesPage() {
  return <TabbedPage id="resources" title="Resources" label="Resource types" tabs={TABS} />;
}
