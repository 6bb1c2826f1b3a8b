-- What a running job is waiting on, for its page: e.g. the provider answered 429 and the client is backing off.
alter table public.content_jobs add column note text;
