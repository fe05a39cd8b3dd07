-- chat-sync schema, version 3: accounts. Clerk's profile on the users row, and the accounts that
-- were deleted, for good. Added columns are nullable without defaults (no rewrite).

-- What a chat app shows of a user, from Clerk's user.created / user.updated webhooks.
-- profile_updated_at is Clerk's updated_at of the profile stored: an older one never replaces it.
ALTER TABLE users
    ADD COLUMN display_name       text,
    ADD COLUMN primary_email      text,
    ADD COLUMN image_url          text,
    ADD COLUMN profile_updated_at timestamptz;

-- A deleted account. Its users row is gone (and everything of the user with it, by cascade); this
-- row stays, so that the user's events still in flight, or accepted later, never bring data back.
-- Clerk never reuses user ids, so the marker is permanent. Not a foreign key to users on purpose.
CREATE TABLE deleted_users (
    user_id     text        PRIMARY KEY,
    deleted_at  timestamptz NOT NULL                 -- acceptedAt of the deletion
);
