-- A search's page chosen by what the index finds, not by the planner's guess (issue 15).
--
-- sql/015 left the choice between reading a word's hits from the GIN index and walking the user's newest
-- sessions to the planner. For a word missing from the documents' statistics it guesses from the least
-- common word those keep (about 500 of 100,000 documents), so for a word in 4 sessions it walked all
-- 100,000: 520 ms.
--
-- Now the function first takes the user's hits from the index, at most 2,000 of them. Fewer than that (a rare
-- or uncommon word): the page is those sessions, newest first. More (a common word): at least one session in
-- 50 matches at 100,000 sessions, so walking the newest sessions fills a page within a thousand or so. A
-- query the index cannot narrow (only NOT terms: it would read the whole index) is walked at once, as most
-- sessions match it. Sequential scans are off inside the function: every plan here reads an index, and never
-- every document.
create or replace function public.history_page_ids(q text, statuses text[], date_from timestamptz,
                                                   date_to timestamptz, cursor_at timestamptz, cursor_id uuid,
                                                   page_limit integer)
returns setof uuid
language plpgsql stable security definer rows 20
set search_path = '' set enable_seqscan = off as $$
declare
  uid uuid := public.request_user_id();
  most constant integer := 2000;
  words tsquery;
  hits uuid[];
  source text := ' where s.user_id = $1';
begin
  if uid is null then
    return;
  end if;
  if q is not null then
    words := websearch_to_tsquery('english', q);
    if querytree(words) <> 'T' then  -- the index can find the query's sessions (none for stop words only)
      hits := array(select x.session_id from public.content_session_search x
                     where x.document @@ words and x.user_id = uid limit most + 1);
    end if;
    source := case when cardinality(hits) <= most then ' where s.id = any($9) and s.user_id = $1'
      else ' join public.content_session_search x on x.session_id = s.id and x.user_id = $1'
           ' and x.document @@ $2 where s.user_id = $1' end;
  end if;
  -- Dynamic SQL is planned at each call with these values.
  return query execute
    'select s.id from public.content_sessions s' || source || '
        and (cardinality($3) = 0 or s.status = any($3))
        and ($4::timestamptz is null or s.updated_at >= $4)
        and ($5::timestamptz is null or s.updated_at < $5)
        and ($6::timestamptz is null or (s.updated_at, s.id) < ($6, $7))
      order by s.updated_at desc, s.id desc
      limit $8'
    using uid, words, statuses, date_from, date_to, cursor_at, cursor_id, page_limit, hits;
end $$;
