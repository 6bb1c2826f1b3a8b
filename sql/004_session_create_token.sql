-- Idempotent session creation: the Create form sends one token per brain dump,
-- so a double click (or a rerun of the same click) finds the session it made.
alter table public.content_sessions add column create_token uuid;

create unique index idx_content_sessions_create_token
  on public.content_sessions (user_id, create_token) where create_token is not null;
