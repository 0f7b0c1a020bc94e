import { BOT_STATUSES, BotCreate, BotUpdate, type Bot } from '@bot-mox/contracts';
import { EnumOptions, Field } from '../../components/Field';
import { FormErrors } from '../../components/FormErrors';
import { blankToUndefined, numberOrRaw, useContractForm } from '../../components/useContractForm';

interface BotFormProps {
  bot?: Bot;
  onSubmit: (body: BotCreate | BotUpdate) => Promise<unknown>;
  onDone: () => void;
  onCancel: () => void;
}

const FIELDS = ['name', 'status', 'project', 'vm_name', 'tags'] as const;

export function BotForm({ bot, onSubmit, onDone, onCancel }: BotFormProps) {
  const editing = Boolean(bot);
  const form = useContractForm({
    initial: {
      name: bot?.name ?? '',
      status: (bot?.status ?? 'prepare') as string,
      project: bot?.project ?? '',
      vm_name: bot?.vm_name ?? '',
      tags: bot?.tags.join(', ') ?? '',
      character_name: bot?.character?.name ?? '',
      character_level: bot?.character?.level?.toString() ?? '',
      character_server: bot?.character?.server ?? '',
      character_faction: bot?.character?.faction ?? '',
    },
    schema: editing ? BotUpdate : BotCreate,
    toInput: (v) => {
      const characterName = blankToUndefined(v.character_name);
      return {
        name: v.name,
        status: v.status,
        project: v.project.trim(),
        vm_name: blankToUndefined(v.vm_name) ?? (editing ? null : undefined),
        tags: v.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        character: characterName
          ? {
              name: characterName,
              level: numberOrRaw(v.character_level) ?? null,
              server: blankToUndefined(v.character_server) ?? null,
              faction: blankToUndefined(v.character_faction) ?? null,
            }
          : editing
            ? null
            : undefined,
      };
    },
    submit: onSubmit,
    onSuccess: onDone,
  });
  const { values, setValue, errorFor } = form;

  return (
    <form
      onSubmit={(e) => void form.handleSubmit(e)}
      noValidate
      aria-label={editing ? 'Edit bot' : 'New bot'}
    >
      <div className="form-grid">
        <Field label="Name" error={errorFor('name')}>
          {(p) => (
            <input {...p} value={values.name} onChange={(e) => setValue('name', e.target.value)} />
          )}
        </Field>
        <Field label="Status" error={errorFor('status')}>
          {(p) => (
            <select
              {...p}
              value={values.status}
              onChange={(e) => setValue('status', e.target.value)}
            >
              <EnumOptions values={BOT_STATUSES} />
            </select>
          )}
        </Field>
        <Field label="Project" hint="A slug, e.g. wow_tbc" error={errorFor('project')}>
          {(p) => (
            <input
              {...p}
              value={values.project}
              onChange={(e) => setValue('project', e.target.value)}
            />
          )}
        </Field>
        <Field label="VM name" error={errorFor('vm_name')}>
          {(p) => (
            <input
              {...p}
              value={values.vm_name}
              onChange={(e) => setValue('vm_name', e.target.value)}
            />
          )}
        </Field>
      </div>
      <Field label="Tags" hint="Comma separated" error={errorFor('tags')}>
        {(p) => (
          <input {...p} value={values.tags} onChange={(e) => setValue('tags', e.target.value)} />
        )}
      </Field>
      <fieldset className="form-grid">
        <legend>Character (optional)</legend>
        <Field label="Character name" error={errorFor('character.name')}>
          {(p) => (
            <input
              {...p}
              value={values.character_name}
              onChange={(e) => setValue('character_name', e.target.value)}
            />
          )}
        </Field>
        <Field label="Level" error={errorFor('character.level')}>
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={values.character_level}
              onChange={(e) => setValue('character_level', e.target.value)}
            />
          )}
        </Field>
        <Field label="Server" error={errorFor('character.server')}>
          {(p) => (
            <input
              {...p}
              value={values.character_server}
              onChange={(e) => setValue('character_server', e.target.value)}
            />
          )}
        </Field>
        <Field label="Faction" error={errorFor('character.faction')}>
          {(p) => (
            <input
              {...p}
              value={values.character_faction}
              onChange={(e) => setValue('character_faction', e.target.value)}
            />
          )}
        </Field>
      </fieldset>
      <FormErrors
        formError={form.formError}
        other={form.otherErrors([
          ...FIELDS,
          'character.name',
          'character.level',
          'character.server',
          'character.faction',
        ])}
      />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {form.submitting ? 'Saving…' : editing ? 'Save changes' : 'Create bot'}
        </button>
      </div>
    </form>
  );
}
