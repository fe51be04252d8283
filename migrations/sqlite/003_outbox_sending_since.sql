-- When a claimed row was handed to the platform (set and committed just before the call,
-- cleared by complete), so a restart knows which sends may have happened. Only rows
-- delivered at most once (requests, reminders) are marked.
ALTER TABLE outbox ADD COLUMN sending_since INTEGER;
