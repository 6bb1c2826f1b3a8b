-- History at a million sessions (issue 15).
--
-- Search: one search document per session (its title, every brain dump version and every draft version),
-- kept up to date by triggers when any of those is written, with one GIN index. The page of a search is
-- chosen by `public.history_page_ids` (below), which the planner plans for the actual words each call: a rare
-- word reads its few hits from the index, a common word walks the user's newest sessions until the page is full.
--
-- Cards: each session's output and image counts are kept in a row of their own, so a History card reads
-- two numbers instead of counting step rows under the step tables' policies (owns_session() per row).
--
-- Both tables are written only by the triggers here (security definer), and readable by their user alone.

create table public.content_session_search (
  session_id uuid primary key references public.content_sessions (id) on delete cascade,
  user_id uuid not null,
  document tsvector not null
);

create table public.content_session_counts (
  session_id uuid primary key references public.content_sessions (id) on delete cascade,
  user_id uuid not null,
  output_count integer not null default 0,  -- distinct output formats
  image_count integer not null default 0
);

alter table public.content_session_search enable row level security;
alter table public.content_session_counts enable row level security;
create policy "Users can view own search documents" on public.content_session_search
  for select to authenticated using ((select public.request_user_id()) = user_id);
create policy "Users can view own session counts" on public.content_session_counts
  for select to authenticated using ((select public.request_user_id()) = user_id);
grant select on public.content_session_search, public.content_session_counts to authenticated, service_role;
revoke all on public.content_session_search, public.content_session_counts from anon;

-- What a session's search finds: its title (weight A), its brain dumps (B) and its drafts (C), every version.
-- A document over PostgreSQL's limit (1 MB of distinct words) is made from the first 100,000 characters of
-- each part instead (the newest version comes first), so no save ever fails on its search document.
create function content_studio.session_document(sid uuid) returns tsvector
language plpgsql stable set search_path = '' as $$
declare
  title text := (select s.title from public.content_sessions s where s.id = sid);
  notes text := (select string_agg(b.raw_content, E'\n\n' order by b.version desc)
                   from public.content_brain_dumps b where b.session_id = sid);
  drafts text := (select string_agg(d.markdown, E'\n\n' order by d.version desc)
                    from public.content_drafts d where d.session_id = sid);
begin
  begin
    return setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(notes, '')), 'B')
        || setweight(to_tsvector('english', coalesce(drafts, '')), 'C');
  exception when program_limit_exceeded then
    return setweight(to_tsvector('english', left(coalesce(title, ''), 100000)), 'A')
        || setweight(to_tsvector('english', left(coalesce(notes, ''), 100000)), 'B')
        || setweight(to_tsvector('english', left(coalesce(drafts, ''), 100000)), 'C');
  end;
end $$;

-- Every session's row of both tables, made again from the step tables: this migration's backfill, and a
-- bulk load's (bench/seed.py loads with triggers off, then calls this on two connections: part 0 and 1 of 2).
create function content_studio.rebuild_session_summaries(part integer default 0, parts integer default 1)
returns void language sql volatile set search_path = '' as $$
  delete from public.content_session_search x using public.content_sessions s
   where s.id = x.session_id and abs(hashtext(s.id::text)) % parts = part;
  delete from public.content_session_counts c using public.content_sessions s
   where s.id = c.session_id and abs(hashtext(s.id::text)) % parts = part;
  insert into public.content_session_search (session_id, user_id, document)
  select s.id, s.user_id, content_studio.session_document(s.id) from public.content_sessions s
   where abs(hashtext(s.id::text)) % parts = part;
  insert into public.content_session_counts (session_id, user_id, output_count, image_count)
  select s.id, s.user_id,
         (select count(distinct o.output_type) from public.content_outputs o where o.session_id = s.id),
         (select count(*) from public.generated_images i where i.session_id = s.id)
    from public.content_sessions s
   where abs(hashtext(s.id::text)) % parts = part;
$$;

-- A new session gets its two rows; a new title or owner is carried over.
create function content_studio.summaries_on_session() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    insert into public.content_session_search (session_id, user_id, document)
      values (new.id, new.user_id, content_studio.session_document(new.id));
    insert into public.content_session_counts (session_id, user_id) values (new.id, new.user_id);
  else
    update public.content_session_search set user_id = new.user_id, document = content_studio.session_document(new.id)
     where session_id = new.id;
    update public.content_session_counts set user_id = new.user_id where session_id = new.id;
  end if;
  return null;
end $$;

-- A brain dump or draft written, changed or deleted: its session's document is made again; an output: its
-- session's number of distinct formats is counted again (a handful of rows). Writes to one session are
-- serialised by the session hook (it locks the session row first), so each sees the one before. Rows deleted
-- with their session (a cascade) change nothing: the session's own rows are going too.
create function content_studio.refresh_summary(step regclass, sid uuid) returns void
language sql volatile set search_path = '' as $$
  update public.content_session_search set document = content_studio.session_document(sid)
   where step <> 'public.content_outputs'::regclass and session_id = sid
     and exists (select 1 from public.content_sessions s where s.id = sid);
  update public.content_session_counts
     set output_count = (select count(distinct o.output_type) from public.content_outputs o where o.session_id = sid)
   where step = 'public.content_outputs'::regclass and session_id = sid
     and exists (select 1 from public.content_sessions s where s.id = sid);
$$;

create function content_studio.summaries_on_step() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op <> 'INSERT' then
    perform content_studio.refresh_summary(tg_relid, old.session_id);
  end if;
  if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.session_id <> old.session_id) then
    perform content_studio.refresh_summary(tg_relid, new.session_id);
  end if;
  return null;
end $$;

-- An image added to, removed from or moved between sessions: one up, one down (safe with concurrent writers,
-- unlike counting again).
create function content_studio.counts_on_image() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op <> 'INSERT' and old.session_id is not null then
    update public.content_session_counts set image_count = image_count - 1 where session_id = old.session_id;
  end if;
  if tg_op <> 'DELETE' and new.session_id is not null then
    update public.content_session_counts set image_count = image_count + 1 where session_id = new.session_id;
  end if;
  return null;
end $$;

create trigger content_session_summaries_insert after insert on public.content_sessions
  for each row execute function content_studio.summaries_on_session();
create trigger content_session_summaries_update after update of title, user_id on public.content_sessions
  for each row when (old.title is distinct from new.title or old.user_id is distinct from new.user_id)
  execute function content_studio.summaries_on_session();

-- The step tables: on insert and delete, and on an update that changes what the summary is made of.
do $$
declare
  t record;
begin
  for t in select * from (values
      ('content_brain_dumps', 'content_session_search', 'summaries_on_step', array['raw_content', 'session_id']),
      ('content_drafts', 'content_session_search', 'summaries_on_step', array['markdown', 'session_id']),
      ('content_outputs', 'content_session_counts', 'summaries_on_step', array['output_type', 'session_id']),
      ('generated_images', 'content_session_counts', 'counts_on_image', array['session_id'])
    ) as x (tab, summary, fn, cols)
  loop
    execute format('create trigger %1$I after insert or delete on public.%2$I'
                   ' for each row execute function content_studio.%3$I()', t.summary || '_write', t.tab, t.fn);
    execute format('create trigger %1$I after update of %4$s on public.%2$I for each row when (%5$s)'
                   ' execute function content_studio.%3$I()', t.summary || '_update', t.tab, t.fn,
                   (select string_agg(format('%I', c), ', ') from unnest(t.cols) c),
                   (select string_agg(format('old.%1$I is distinct from new.%1$I', c), ' or ') from unnest(t.cols) c));
  end loop;
end
$$;

revoke execute on function content_studio.session_document(uuid), content_studio.rebuild_session_summaries(integer, integer),
  content_studio.refresh_summary(regclass, uuid), content_studio.summaries_on_session(),
  content_studio.summaries_on_step(), content_studio.counts_on_image() from public;

-- The sessions there already (nothing on a fresh database), then the index (built once, not row by row).
select content_studio.rebuild_session_summaries();
create index idx_content_session_search_document on public.content_session_search using gin (document);

-- One page of History: the ids of the user's sessions, newest activity first, by keyset (updated_at, id),
-- optionally only those whose document matches `q` (websearch syntax). The page's cards are then read as the
-- user, under RLS (lib/history.py); this only chooses which sessions, and only among the caller's own.
-- Runs as its owner so the GIN index can be used (under RLS, `@@` would wait for the policy on every row),
-- and is planned for the actual words at each call: a rare word reads its hits from the index, a common
-- word walks the newest sessions until the page is full.
create function public.history_page_ids(q text, statuses text[], date_from timestamptz, date_to timestamptz,
                                        cursor_at timestamptz, cursor_id uuid, page_limit integer)
returns setof uuid
language plpgsql stable security definer rows 20 set search_path = '' as $$
declare
  uid uuid := public.request_user_id();
  searched text := case when q is not null then
    ' join public.content_session_search x on x.session_id = s.id and x.user_id = $1'
    ' and x.document @@ websearch_to_tsquery(''english'', $2)' else '' end;
begin
  if uid is null then
    return;
  end if;
  -- Dynamic SQL is planned once per call with these values, so the planner sees the words.
  return query execute
    'select s.id from public.content_sessions s' || searched || '
      where s.user_id = $1
        and (cardinality($3) = 0 or s.status = any($3))
        and ($4::timestamptz is null or s.updated_at >= $4)
        and ($5::timestamptz is null or s.updated_at < $5)
        and ($6::timestamptz is null or (s.updated_at, s.id) < ($6, $7))
      order by s.updated_at desc, s.id desc
      limit $8'
    using uid, q, statuses, date_from, date_to, cursor_at, cursor_id, page_limit;
end $$;
revoke execute on function public.history_page_ids(text, text[], timestamptz, timestamptz, timestamptz, uuid, integer)
  from public, anon;
grant execute on function public.history_page_ids(text, text[], timestamptz, timestamptz, timestamptz, uuid, integer)
  to authenticated, service_role;

-- Every hit of a search (kept for callers of 006's function), now from the documents.
create or replace function public.history_search_hits(q text) returns setof uuid
language sql stable security definer set search_path = '' as $$
  select x.session_id from public.content_session_search x
   where x.user_id = (select public.request_user_id())
     and x.document @@ websearch_to_tsquery('english', q)
$$;

-- The per-table text indexes of 005 served only search: the documents replace them (and every draft
-- checkpoint no longer parses its text for them).
drop index if exists public.idx_content_sessions_title_fts;
drop index if exists public.idx_content_brain_dumps_fts;
drop index if exists public.idx_content_drafts_fts;
