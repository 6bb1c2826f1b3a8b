-- History search: full-text indexes over what a user remembers of a session,
-- its title, its brain dump and its drafts. Queried per table and united, so
-- each lookup is one GIN index scan.
create index idx_content_sessions_title_fts on public.content_sessions
  using gin (to_tsvector('english', title));
create index idx_content_brain_dumps_fts on public.content_brain_dumps
  using gin (to_tsvector('english', raw_content));
create index idx_content_drafts_fts on public.content_drafts
  using gin (to_tsvector('english', markdown));

-- Gallery filters and the history list's per-session image lookups.
create index idx_generated_images_session_created on public.generated_images (session_id, created_at, id);
create index idx_content_sessions_user_created on public.content_sessions (user_id, created_at desc);
