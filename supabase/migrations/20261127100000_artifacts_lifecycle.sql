-- Artifacts (issue 4): the upload lifecycle pending -> ready | failed | expired.
--
-- * status: 'uploaded' becomes 'ready'; 'failed' (the object did not match at complete) and
--   'expired' (never completed within the presign TTL plus a grace period) are added.
-- * upload_expires_at: when the presigned PUT stops working; the sweep expires pending rows
--   some grace after it.
-- * size_bytes, content_type: what the client announced, checked at complete.
-- * A key is unique only among live rows (pending, ready): a failed or expired upload keeps its
--   row for the record and may be retried under the same key.
-- * artifact.uploaded is notified when a row becomes ready.

update public.artifacts set status = 'ready' where status = 'uploaded';

alter table public.artifacts drop constraint if exists artifacts_status_check;
alter table public.artifacts
  add constraint artifacts_status_check
  check (status in ('pending', 'ready', 'failed', 'expired'));

alter table public.artifacts
  add column upload_expires_at timestamptz(3) not null default (now() + interval '15 minutes'),
  add column failure_reason text check (length(failure_reason) <= 500);

alter table public.artifacts drop constraint if exists artifacts_object_key_key;
alter table public.artifacts drop constraint if exists artifacts_platform_version_file_name_key;
create unique index artifacts_live_object_key_idx on public.artifacts (object_key)
  where status in ('pending', 'ready');
create index artifacts_object_key_idx on public.artifacts (object_key);
create index artifacts_pending_expiry_idx on public.artifacts (upload_expires_at)
  where status = 'pending';

create or replace function public.notify_artifact_uploaded() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status = 'ready' and (tg_op = 'INSERT' or old.status is distinct from 'ready') then
    perform pg_notify('botmox_events', json_build_object(
      'type', 'artifact.uploaded',
      'id', new.id,
      'object_key', new.object_key,
      'at', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    )::text);
  end if;
  return null;
end $$;
revoke execute on function public.notify_artifact_uploaded() from public, anon, authenticated;
