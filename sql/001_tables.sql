-- The pipeline: one session and a table per step. Child rows go with their session.

create table public.content_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null default 'Untitled session',
  status text not null default 'brain_dump'
    check (status in ('brain_dump', 'research', 'outline', 'draft', 'outputs', 'completed')),
  selected_theme jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.content_brain_dumps (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null unique references public.content_sessions (id) on delete cascade,
  raw_content text not null,
  themes jsonb not null default '[]'::jsonb,
  model_used text,
  usage jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Regenerating keeps the earlier result: one row per version, the highest is current.
create table public.content_research (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.content_sessions (id) on delete cascade,
  version integer not null default 1 check (version > 0),
  theme jsonb not null,
  items jsonb not null default '[]'::jsonb,
  kept_item_ids jsonb not null default '[]'::jsonb,
  model_used text,
  usage jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (session_id, version)
);

create table public.content_outlines (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.content_sessions (id) on delete cascade,
  version integer not null default 1 check (version > 0),
  options jsonb not null default '[]'::jsonb,
  chosen_index integer,
  chosen_outline jsonb,
  model_used text,
  usage jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (session_id, version)
);

-- Drafts are append-only: every generation and every saved edit is a new version.
create table public.content_drafts (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.content_sessions (id) on delete cascade,
  version integer not null check (version > 0),
  markdown text not null,
  word_count integer not null default 0,
  source text not null default 'generated' check (source in ('generated', 'edited')),
  model_used text,
  usage jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  unique (session_id, version)
);

create table public.content_outputs (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.content_sessions (id) on delete cascade,
  output_type text not null,
  version integer not null default 1 check (version > 0),
  content text not null,
  metadata jsonb not null default '{}'::jsonb,
  model_used text,
  usage jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  unique (session_id, output_type, version)
);

-- Exactly the original plan's columns.
create table public.generated_images (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id uuid references public.content_sessions (id) on delete set null,
  storage_path text,
  public_url text,
  prompt text not null,
  negative_prompt text,
  model_used text not null,
  aspect_ratio text default '16:9',
  width integer,
  height integer,
  file_size integer,
  mime_type text default 'image/png',
  metadata jsonb default '{}'::jsonb,
  created_at timestamptz default now()
);

-- The lookups the screens make: a user's sessions by recent activity, a session's steps, images by session and by user.
create index idx_content_sessions_user_updated on public.content_sessions (user_id, updated_at desc, id desc);
create index idx_content_sessions_user_status on public.content_sessions (user_id, status);
create index idx_content_research_session on public.content_research (session_id, version desc);
create index idx_content_outlines_session on public.content_outlines (session_id, version desc);
create index idx_content_drafts_session on public.content_drafts (session_id, version desc);
create index idx_content_outputs_session on public.content_outputs (session_id, output_type, version desc);
create index idx_generated_images_session on public.generated_images (session_id);
create index idx_generated_images_user on public.generated_images (user_id);
create index idx_generated_images_user_created on public.generated_images (user_id, created_at desc, id desc);
