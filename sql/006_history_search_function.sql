-- Full-text search that can use the GIN indexes of 005. Under RLS, PostgreSQL
-- evaluates the policies before any non-leakproof condition such as `@@`, so the
-- indexes were never used and a search read every brain dump and draft (22 s at
-- 10,000 sessions). This function runs as its owner (no RLS in the way) and
-- restricts itself to the caller's own sessions with auth.uid() explicitly.
create function public.history_search_hits(q text) returns setof uuid
language sql stable security definer set search_path = '' as $$
  select s.id from public.content_sessions s
   where s.user_id = (select auth.uid())
     and to_tsvector('english', s.title) @@ websearch_to_tsquery('english', q)
  union
  select b.session_id from public.content_brain_dumps b join public.content_sessions s on s.id = b.session_id
   where s.user_id = (select auth.uid())
     and to_tsvector('english', b.raw_content) @@ websearch_to_tsquery('english', q)
  union
  select d.session_id from public.content_drafts d join public.content_sessions s on s.id = d.session_id
   where s.user_id = (select auth.uid())
     and to_tsvector('english', d.markdown) @@ websearch_to_tsquery('english', q)
$$;

revoke execute on function public.history_search_hits(text) from public, anon;
grant execute on function public.history_search_hits(text) to authenticated, service_role;
