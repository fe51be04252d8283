-- The comment prompt's message id, so a typed comment can take its Skip button away.
ALTER TABLE conversations ADD COLUMN prompt_message_id INTEGER;
