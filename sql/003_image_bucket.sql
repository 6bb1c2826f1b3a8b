-- The original plan's public bucket and storage policies, as written.
insert into storage.buckets (id, name, public)
values ('generated-images', 'generated-images', true)
on conflict (id) do nothing;

create policy "Anyone can view images" on storage.objects
  for select using (bucket_id = 'generated-images');

create policy "Users can upload own images" on storage.objects
  for insert with check (
    bucket_id = 'generated-images' and
    auth.uid()::text = (storage.foldername(name))[1]
  );

create policy "Users can delete own images" on storage.objects
  for delete using (
    bucket_id = 'generated-images' and
    auth.uid()::text = (storage.foldername(name))[1]
  );
