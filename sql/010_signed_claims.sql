-- Who the caller is, in a form a query cannot forge.
--
-- `auth.uid()` reads the `request.jwt.claims` setting, which any statement can change with set_config().
-- A query that did so inside a unit of work would see another user's rows. The app now signs the claims
-- it sets (a SHA-256 over a key only the owner can read, the user id, the key again) and every table
-- policy asks `public.request_user_id()`, which returns the user id only when that signature holds.
-- Storage policies keep `auth.uid()`: Supabase Storage calls them with the user's own verified JWT.

create table content_studio.claims_key (
  id boolean primary key default true check (id),
  key text not null default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
);
insert into content_studio.claims_key default values;
revoke all on content_studio.claims_key from public;

create function public.request_user_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select case when c ->> 'sig' = encode(sha256(convert_to(k.key || (c ->> 'sub') || k.key, 'UTF8')), 'hex')
              then (c ->> 'sub')::uuid end
    from (select nullif(current_setting('request.jwt.claims', true), '')::jsonb as c) claims,
         content_studio.claims_key k
$$;
revoke execute on function public.request_user_id() from public, anon;
grant execute on function public.request_user_id() to authenticated, service_role;

-- The sessions table and the images table: their own user_id.
drop policy "Users can view own sessions" on public.content_sessions;
drop policy "Users can insert own sessions" on public.content_sessions;
drop policy "Users can update own sessions" on public.content_sessions;
drop policy "Users can delete own sessions" on public.content_sessions;
create policy "Users can view own sessions" on public.content_sessions
  for select to authenticated using ((select public.request_user_id()) = user_id);
create policy "Users can insert own sessions" on public.content_sessions
  for insert to authenticated with check ((select public.request_user_id()) = user_id);
create policy "Users can update own sessions" on public.content_sessions
  for update to authenticated using ((select public.request_user_id()) = user_id)
  with check ((select public.request_user_id()) = user_id);
create policy "Users can delete own sessions" on public.content_sessions
  for delete to authenticated using ((select public.request_user_id()) = user_id);

drop policy "Users can view own images" on public.generated_images;
drop policy "Users can insert own images" on public.generated_images;
drop policy "Users can update own images" on public.generated_images;
drop policy "Users can delete own images" on public.generated_images;
create policy "Users can view own images" on public.generated_images
  for select to authenticated using ((select public.request_user_id()) = user_id);
create policy "Users can insert own images" on public.generated_images
  for insert to authenticated with check (
    (select public.request_user_id()) = user_id and (session_id is null or public.owns_session(session_id)));
create policy "Users can update own images" on public.generated_images
  for update to authenticated using ((select public.request_user_id()) = user_id) with check (
    (select public.request_user_id()) = user_id and (session_id is null or public.owns_session(session_id)));
create policy "Users can delete own images" on public.generated_images
  for delete to authenticated using ((select public.request_user_id()) = user_id);

-- The step tables go through their session (their policies call owns_session, unchanged).
create or replace function public.owns_session(sid uuid) returns boolean
language sql stable as $$
  select exists (select 1 from public.content_sessions s where s.id = sid and s.user_id = (select public.request_user_id()))
$$;

create or replace function public.history_search_hits(q text) returns setof uuid
language sql stable security definer set search_path = '' as $$
  select s.id from public.content_sessions s
   where s.user_id = (select public.request_user_id())
     and to_tsvector('english', s.title) @@ websearch_to_tsquery('english', q)
  union
  select b.session_id from public.content_brain_dumps b join public.content_sessions s on s.id = b.session_id
   where s.user_id = (select public.request_user_id())
     and to_tsvector('english', b.raw_content) @@ websearch_to_tsquery('english', q)
  union
  select d.session_id from public.content_drafts d join public.content_sessions s on s.id = d.session_id
   where s.user_id = (select public.request_user_id())
     and to_tsvector('english', d.markdown) @@ websearch_to_tsquery('english', q)
$$;
