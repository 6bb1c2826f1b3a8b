-- Everything the user types is a version: every step keeps a chain of versions,
-- the highest is current. An edit names the version (and revision) it was based
-- on; the session hook updates a version in place only when the same editor (one
-- browser tab) made it, it is still the newest, and nobody changed it since.
-- Anything else becomes a new version, so nothing shown as saved is overwritten.

-- The brain dump is versioned like the other steps; themes belong to the notes they came from.
alter table public.content_brain_dumps drop constraint content_brain_dumps_session_id_key;
alter table public.content_brain_dumps add column version integer not null default 1 check (version > 0);
alter table public.content_brain_dumps add constraint content_brain_dumps_session_version_key unique (session_id, version);
create index idx_content_brain_dumps_session on public.content_brain_dumps (session_id, version desc);

alter table public.content_drafts drop constraint content_drafts_source_check;
alter table public.content_drafts add column updated_at timestamptz not null default now();
alter table public.content_outputs add column updated_at timestamptz not null default now();

do $$
declare
  t text;
begin
  foreach t in array array['content_brain_dumps', 'content_research', 'content_outlines', 'content_drafts', 'content_outputs']
  loop
    -- generated: made by the generator; edited: typed, ticked, picked or restored by the user;
    -- partial: a draft whose stream broke off.
    execute format('alter table public.%I add column if not exists source text not null default ''generated''', t);
    execute format('alter table public.%I add constraint %I check (source in (''generated'', ''edited'', ''partial''))',
                   t, t || '_source_check');
    -- The browser tab whose edits this version holds (null: nobody edits it in place).
    execute format('alter table public.%I add column editor uuid', t);
    -- Bumped by every in-place save: what a compare-and-set compares.
    execute format('alter table public.%I add column revision integer not null default 1 check (revision > 0)', t);
    -- The version the user's edit started from, and whether a newer one existed by then.
    execute format('alter table public.%I add column based_on integer', t);
    execute format('alter table public.%I add column conflict boolean not null default false', t);
    execute format('alter table public.%I add column restored_from integer', t);
  end loop;
end
$$;

-- The notes a session was created with are the user's own words.
update public.content_brain_dumps set source = 'edited';
-- Outputs edited before versions carried a source said so in their metadata.
update public.content_outputs set source = 'edited' where metadata ->> 'edited' = 'true';

-- A title the user gave is kept when a theme is chosen later.
alter table public.content_sessions add column title_edited boolean not null default false;
