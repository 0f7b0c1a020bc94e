import type { SettingsList, SettingsSection } from '@bot-mox/contracts';
import { endpoints, settingsSections, type SettingsSectionName } from '@bot-mox/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '@bot-mox/contracts/client';
import { keys } from '../api/keys';
import { useApi } from '../app/services';
import { ContractForm, type FieldSpec, type FormValues } from '../components/ContractForm';
import { formatDateTime } from '../components/format';
import { str } from '../components/formValues';
import { QueryState } from '../components/QueryState';
import { blankToUndefined, numberOrRaw } from '../components/useContractForm';

interface SectionSpec {
  title: string;
  description: string;
  fields: FieldSpec[];
  defaults: FormValues;
  toForm: (data: Record<string, unknown>) => FormValues;
  toInput: (values: FormValues) => unknown;
}

const SECTIONS: Record<SettingsSectionName, SectionSpec> = {
  general: {
    title: 'General',
    description: 'Reporting currency, time zone and language.',
    fields: [
      { name: 'currency', label: 'Currency', type: 'text', hint: 'ISO code, e.g. USD' },
      { name: 'timezone', label: 'Time zone', type: 'text', hint: 'e.g. Europe/Berlin' },
      { name: 'language', label: 'Language', type: 'text', hint: 'e.g. en or ru' },
    ],
    defaults: {
      currency: 'USD',
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      language: 'en',
    },
    toForm: (d) => ({
      currency: str(d.currency as string),
      timezone: str(d.timezone as string),
      language: str(d.language as string),
    }),
    toInput: (v) => ({
      currency: str(v.currency).trim().toUpperCase(),
      timezone: str(v.timezone).trim(),
      language: str(v.language).trim(),
    }),
  },
  alerts: {
    title: 'Alerts',
    description: 'Telegram alerts when bots go offline.',
    fields: [
      { name: 'enabled', label: 'Alerts enabled', type: 'checkbox' },
      { name: 'telegram_chat_id', label: 'Telegram chat id', type: 'text' },
      { name: 'offline_minutes', label: 'Offline after (minutes)', type: 'number' },
    ],
    defaults: { enabled: false, telegram_chat_id: '', offline_minutes: '15' },
    toForm: (d) => ({
      enabled: d.enabled === true,
      telegram_chat_id: str((d.telegram_chat_id as string | null) ?? ''),
      offline_minutes: String(d.offline_minutes ?? ''),
    }),
    toInput: (v) => ({
      enabled: v.enabled === true,
      telegram_chat_id: blankToUndefined(str(v.telegram_chat_id)) ?? null,
      offline_minutes: numberOrRaw(str(v.offline_minutes)),
    }),
  },
  farm: {
    title: 'Farm',
    description: 'Capacity and defaults for new bots.',
    fields: [
      { name: 'max_bots_per_vm', label: 'Max bots per VM', type: 'number' },
      {
        name: 'default_project',
        label: 'Default project',
        type: 'text',
        hint: 'A slug, e.g. wow_tbc',
      },
    ],
    defaults: { max_bots_per_vm: '4', default_project: '' },
    toForm: (d) => ({
      max_bots_per_vm: String(d.max_bots_per_vm ?? ''),
      default_project: str(d.default_project as string),
    }),
    toInput: (v) => ({
      max_bots_per_vm: numberOrRaw(str(v.max_bots_per_vm)),
      default_project: str(v.default_project).trim(),
    }),
  },
};

/** The API names fields of a section body as `body.data.<field>`; the form names them `<field>`. */
function unwrapDataErrors(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const errors = error.problem.errors?.map((e) => ({
    ...e,
    field: e.field.replace(/^body\.data\./, 'body.'),
  }));
  return new ApiError({ ...error.problem, ...(errors ? { errors } : {}) });
}

function SectionForm({ name, stored }: { name: SettingsSectionName; stored?: SettingsSection }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const spec = SECTIONS[name];
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (data: Record<string, unknown>) =>
      api.call(endpoints.putSettings, { params: { section: name }, body: { data } }),
    onSuccess: (section) => {
      setSavedAt(section.updated_at);
      queryClient.setQueryData<SettingsList>(keys.settings, (old) =>
        old
          ? { items: [...old.items.filter((s) => s.section !== name), section] }
          : { items: [section] },
      );
    },
  });
  return (
    <section className="panel" aria-labelledby={`settings-${name}`}>
      <h2 id={`settings-${name}`}>{spec.title}</h2>
      <p className="muted">
        {spec.description}{' '}
        {stored
          ? `Last saved ${formatDateTime(savedAt ?? stored.updated_at)}.`
          : 'Not saved yet: showing defaults.'}
      </p>
      <ContractForm
        label={`${spec.title} settings`}
        fields={spec.fields}
        initial={stored ? spec.toForm(stored.data as Record<string, unknown>) : spec.defaults}
        schema={settingsSections[name]}
        toInput={spec.toInput}
        onSubmit={(data) =>
          save.mutateAsync(data).catch((e: unknown) => Promise.reject(unwrapDataErrors(e)))
        }
        onDone={() => undefined}
        submitLabel={`Save ${spec.title.toLowerCase()}`}
      />
      {save.isSuccess && (
        <p role="status" className="muted">
          Saved.
        </p>
      )}
    </section>
  );
}

export default function SettingsPage() {
  const api = useApi();
  const settings = useQuery({
    queryKey: keys.settings,
    queryFn: ({ signal }) => api.call(endpoints.listSettings, { signal }),
  });
  return (
    <section aria-labelledby="settings-title">
      <div className="page-header">
        <h1 id="settings-title">Settings</h1>
      </div>
      <QueryState query={settings} loading="Loading settings…" errorTitle="Could not load settings">
        {(list) => (
          <div className="grid">
            {(Object.keys(SECTIONS) as SettingsSectionName[]).map((name) => (
              <SectionForm
                key={name}
                name={name}
                stored={list.items.find((s) => s.section === name)}
              />
            ))}
          </div>
        )}
      </QueryState>
    </section>
  );
}
