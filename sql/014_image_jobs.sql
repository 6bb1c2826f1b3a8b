-- Images are jobs too: a worker makes, stores and records the image while the page only shows its row.
-- A standalone image (made outside any session) has no session; two starts of the same picture (a double
-- click, a second tab) join one job through its request key, while different pictures run side by side.

alter table public.content_jobs alter column session_id drop not null;
alter table public.content_jobs drop constraint content_jobs_step_check;
alter table public.content_jobs add constraint content_jobs_step_check
  check (step in ('themes', 'research', 'outlines', 'draft', 'outputs', 'image'));
alter table public.content_jobs add constraint content_jobs_session_needed
  check (step = 'image' or session_id is not null);
-- A failed image job stays on screen with Retry until the user dismisses it.
alter table public.content_jobs add column dismissed boolean not null default false;

drop index public.content_jobs_one_active;
create unique index content_jobs_one_active on public.content_jobs (session_id, step)
  where state in ('queued', 'running') and step <> 'image';
create unique index content_jobs_one_active_image on public.content_jobs (user_id, (options ->> 'request'))
  where state in ('queued', 'running') and step = 'image';
create index content_jobs_user_images on public.content_jobs (user_id, created_at desc) where step = 'image';

drop policy "Users can start jobs in own sessions" on public.content_jobs;
create policy "Users can start jobs in own sessions" on public.content_jobs
  for insert to authenticated
  with check ((select auth.uid()) = user_id and (session_id is null or public.owns_session(session_id)));
drop policy "Users can update own jobs" on public.content_jobs;
create policy "Users can update own jobs" on public.content_jobs
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id and (session_id is null or public.owns_session(session_id)));
