-- Every generation is a job (lib/jobs/): the page that starts it, any other tab and any app server read its
-- row; a worker runs it as the user and writes its state here. The queue itself (pickup, locks, retries of
-- stalled jobs) is procrastinate's, in the `procrastinate` schema, which API roles cannot reach.
--
-- state: queued → running → done | failed | cancelled. At most one active job per session and step
-- (the partial unique index): a second click, or a second tab, joins the job already there.

create table public.content_jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id uuid not null references public.content_sessions (id) on delete cascade,
  step text not null check (step in ('themes', 'research', 'outlines', 'draft', 'outputs')),
  options jsonb not null default '{}'::jsonb,       -- the generation options it runs with
  base_version integer,                             -- the version of the step's input it started from
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed', 'cancelled')),
  cancel_requested boolean not null default false,
  error text,                                       -- in fix-it words, for the screen
  usage jsonb not null default '{}'::jsonb,
  result_version integer,                           -- the version the job saved (the draft: its partial one as it grows)
  attempts integer not null default 0,
  queue_job_id bigint,                              -- procrastinate's id
  created_at timestamptz not null default now(),
  started_at timestamptz,
  heartbeat_at timestamptz,
  finished_at timestamptz
);

create unique index content_jobs_one_active on public.content_jobs (session_id, step)
  where state in ('queued', 'running');
create index content_jobs_session on public.content_jobs (session_id, created_at desc);
create index content_jobs_user_active on public.content_jobs (user_id) where state in ('queued', 'running');

alter table public.content_jobs enable row level security;
create policy "Users can view own jobs" on public.content_jobs
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can start jobs in own sessions" on public.content_jobs
  for insert to authenticated with check ((select auth.uid()) = user_id and public.owns_session(session_id));
create policy "Users can update own jobs" on public.content_jobs
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id and public.owns_session(session_id));

grant select, insert, update on public.content_jobs to authenticated, service_role;
