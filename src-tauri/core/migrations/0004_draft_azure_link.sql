-- A draft's link to the Azure connection it was opened from or deployed to: JSON
-- {cloud, parent: {account: {subscriptionId, resourceGroup, account}, project}, name}, or NULL.
-- `link_key` is the same link as one comparable string, so a resource maps to one draft.
ALTER TABLE connection_drafts ADD COLUMN link TEXT;
ALTER TABLE connection_drafts ADD COLUMN link_key TEXT;
CREATE INDEX connection_drafts_by_link ON connection_drafts (link_key);
