-- A search's page chosen by what the data says, not by the planner's guess (issue 15).
--
-- sql/015 left the choice between reading a word's hits from the GIN index and walking the user's newest
-- sessions to the planner. For a word missing from the documents' statistics it guesses from the least
-- common word those keep (about 500 of 100,000 documents), so for a word in 4 sessions it walked all
-- 100,000: 520 ms.
--
-- Now, in order, each step only when the one before did not settle the page:
-- 1. The newest five pages' worth of sessions are checked: a common word fills the page among them (its cost
--    does not grow with the number of sessions; the index would list every hit first).
-- 2. The user's hits are taken from the index, at most 2,000: fewer (a rare or uncommon word), and the page
--    is those sessions, newest first.
-- 3. More: at least one session in 50 matches (at 100,000 sessions), so walking the newest sessions fills
--    the page within a thousand or so. A query the index cannot narrow (only NOT terms) goes here at once.
-- Sequential scans are off inside the function: every plan here reads an index, never every document.
create or replace function public.history_page_ids(q text, statuses text[], date_from timestamptz,
                                                   date_to timestamptz, cursor_at timestamptz, cursor_id uuid,
                                                   page_limit integer)
returns setof uuid
language plpgsql stable security definer rows 20
set search_path = '' set enable_seqscan = off as $$
declare
  uid uuid := public.request_user_id();
  most constant integer := 2000;
  newest constant integer := 5 * page_limit;
  filtered constant text := '
        and (cardinality($3) = 0 or s.status = any($3))
        and ($4::timestamptz is null or s.updated_at >= $4)
        and ($5::timestamptz is null or s.updated_at < $5)
        and ($6::timestamptz is null or (s.updated_at, s.id) < ($6, $7))
      order by s.updated_at desc, s.id desc';
  searched constant text := ' join public.content_session_search x on x.session_id = s.id and x.user_id = $1'
                            ' and x.document @@ $2 where s.user_id = $1';
  words tsquery;
  found uuid[];
  seen integer;
  hits uuid[];
  source text := ' where s.user_id = $1';
begin
  if uid is null then
    return;
  end if;
  if q is not null then
    words := websearch_to_tsquery('english', q);
    if numnode(words) = 0 then  -- only stop words: nothing matches
      return;
    end if;
    execute 'select array_agg(w.id order by w.updated_at desc, w.id desc) filter (where w.document @@ $2),
                    count(*)::integer
               from (select s.id, s.updated_at, x.document from public.content_sessions s
                       join public.content_session_search x on x.session_id = s.id and x.user_id = $1
                      where s.user_id = $1' || filtered || ' limit $9) w'
      into found, seen using uid, words, statuses, date_from, date_to, cursor_at, cursor_id, page_limit, newest;
    if seen < newest or coalesce(cardinality(found), 0) >= page_limit then
      return query select unnest(found[1:page_limit]);
      return;
    end if;
    if querytree(words) <> 'T' then  -- the index can find the query's sessions
      hits := array(select x.session_id from public.content_session_search x
                     where x.document @@ words and x.user_id = uid limit most + 1);
    end if;
    source := case when cardinality(hits) <= most then ' where s.id = any($9) and s.user_id = $1' else searched end;
  end if;
  -- Dynamic SQL is planned at each call with these values.
  return query execute 'select s.id from public.content_sessions s' || source || filtered || ' limit $8'
    using uid, words, statuses, date_from, date_to, cursor_at, cursor_id, page_limit, hits;
end $$;
