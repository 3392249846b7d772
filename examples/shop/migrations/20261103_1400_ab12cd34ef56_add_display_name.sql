-- retort:revision ab12cd34ef56
-- retort:down_revision 5cd038a8f131
-- retort:message add display name
-- retort:created 2026-11-03T14:00:00Z

-- retort:upgrade
ALTER TABLE users ADD COLUMN display_name VARCHAR(100);
UPDATE users SET display_name = email WHERE display_name IS NULL;

-- retort:downgrade
ALTER TABLE users DROP COLUMN display_name;
