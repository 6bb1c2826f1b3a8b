-- The Gallery's filter options read the distinct models and aspect ratios of one user's images by walking
-- these indexes (one probe per distinct value, lib/gallery.py) instead of reading every image row.
create index idx_generated_images_user_model on public.generated_images (user_id, model_used);
create index idx_generated_images_user_ratio on public.generated_images (user_id, aspect_ratio);
