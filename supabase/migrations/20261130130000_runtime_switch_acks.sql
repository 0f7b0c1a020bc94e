-- What each backend replica last saw of ops.runtime_switches (issue 15, phase 5): written by
-- every replica at each poll, so that `cli cutover` waits until every live replica applies the
-- write freeze and has finished the writes it began before it, rather than for a fixed time
-- that a late poll or a slow write could outlast (a write taken on RTDB after the final sync
-- would be lost). Expand-only; schema ops, not exposed by PostgREST.

create table ops.runtime_switch_acks (
  -- host name and process id of the replica
  replica text primary key,
  -- when it last read the switches (a replica silent for a few polls counts as gone)
  seen_at timestamptz(3) not null default now(),
  write_freeze boolean not null,
  data_backend text check (data_backend in ('supabase', 'rtdb')),
  -- write requests past the freeze check and not yet answered
  writes_in_flight integer not null default 0 check (writes_in_flight >= 0)
);
comment on table ops.runtime_switch_acks is
  'Each backend replica''s last view of ops.runtime_switches, written at every poll (cutover)';
