-- A draft whose stream broke off part-way is kept as its own version, marked partial,
-- so what was already written is not lost.
alter table public.content_drafts drop constraint content_drafts_source_check;
alter table public.content_drafts add constraint content_drafts_source_check
  check (source in ('generated', 'edited', 'partial'));
