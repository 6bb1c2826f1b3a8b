-- Storage policies that replace 003's.
--
-- 003's "Anyone can view images" let anyone holding the anon key LIST every
-- user's image paths (Supabase advisor lint `public_bucket_allows_listing`).
-- A public bucket serves its files by URL without any SELECT policy, so that
-- policy bought nothing. A user still needs SELECT on their own objects: Supabase
-- Storage checks it to delete (`remove`), to sign URLs (private bucket) and to
-- download through the API, so SELECT stays, limited to the caller's own folder.
--
-- Every policy is `to authenticated` (anon is not even considered) and calls
-- `(select auth.uid())`, evaluated once per statement instead of once per row
-- (lint `auth_rls_initplan`). Paths are `{user_id}/{session_id or standalone}/{file}`.
--
-- The table policies of 002 already have both properties; nothing to change there.

drop policy if exists "Anyone can view images" on storage.objects;
drop policy if exists "Users can upload own images" on storage.objects;
drop policy if exists "Users can delete own images" on storage.objects;
drop policy if exists "Users can view own images" on storage.objects;

create policy "Users can view own images" on storage.objects
  for select to authenticated using (
    bucket_id = 'generated-images' and
    (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy "Users can upload own images" on storage.objects
  for insert to authenticated with check (
    bucket_id = 'generated-images' and
    (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy "Users can delete own images" on storage.objects
  for delete to authenticated using (
    bucket_id = 'generated-images' and
    (storage.foldername(name))[1] = (select auth.uid())::text
  );
