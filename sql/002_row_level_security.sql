-- Every row belongs to the user in `auth.uid()`; child rows through their session.
-- `(select auth.uid())` is evaluated once per statement, not once per row.

alter table public.content_sessions enable row level security;
alter table public.content_brain_dumps enable row level security;
alter table public.content_research enable row level security;
alter table public.content_outlines enable row level security;
alter table public.content_drafts enable row level security;
alter table public.content_outputs enable row level security;
alter table public.generated_images enable row level security;

create policy "Users can view own sessions" on public.content_sessions
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can insert own sessions" on public.content_sessions
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "Users can update own sessions" on public.content_sessions
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy "Users can delete own sessions" on public.content_sessions
  for delete to authenticated using ((select auth.uid()) = user_id);

-- True when the session exists and belongs to the caller. Runs as the caller,
-- so the sessions policy above applies inside it too.
create function public.owns_session(sid uuid) returns boolean
language sql stable as $$
  select exists (select 1 from public.content_sessions s where s.id = sid and s.user_id = (select auth.uid()))
$$;

do $$
declare
  t text;
begin
  foreach t in array array['content_brain_dumps', 'content_research', 'content_outlines', 'content_drafts', 'content_outputs']
  loop
    execute format('create policy "Users can view own %1$s" on public.%1$I for select to authenticated using (public.owns_session(session_id))', t);
    execute format('create policy "Users can insert own %1$s" on public.%1$I for insert to authenticated with check (public.owns_session(session_id))', t);
    execute format('create policy "Users can update own %1$s" on public.%1$I for update to authenticated using (public.owns_session(session_id)) with check (public.owns_session(session_id))', t);
    execute format('create policy "Users can delete own %1$s" on public.%1$I for delete to authenticated using (public.owns_session(session_id))', t);
  end loop;
end
$$;

-- The original plan's image policies, plus update (a failed upload's retry
-- completes its row) and a check that a session given is the caller's own.
create policy "Users can view own images" on public.generated_images
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can insert own images" on public.generated_images
  for insert to authenticated with check (
    (select auth.uid()) = user_id and (session_id is null or public.owns_session(session_id)));
create policy "Users can update own images" on public.generated_images
  for update to authenticated using ((select auth.uid()) = user_id) with check (
    (select auth.uid()) = user_id and (session_id is null or public.owns_session(session_id)));
create policy "Users can delete own images" on public.generated_images
  for delete to authenticated using ((select auth.uid()) = user_id);

-- Supabase no longer grants new public tables to its API roles by default: say it.
grant usage on schema public to authenticated, service_role;
grant execute on function public.owns_session(uuid) to authenticated, service_role;
grant select, insert, update, delete on
  public.content_sessions, public.content_brain_dumps, public.content_research, public.content_outlines,
  public.content_drafts, public.content_outputs, public.generated_images
  to authenticated, service_role;
revoke all on
  public.content_sessions, public.content_brain_dumps, public.content_research, public.content_outlines,
  public.content_drafts, public.content_outputs, public.generated_images
  from anon;
