-- The servers domain names owners by user name (user names never change), and a server keeps the
-- repository, ref and commit it was built from, so that Start relaunches exactly what was saved.
ALTER TABLE servers ADD COLUMN owner_name VARCHAR(64);
UPDATE servers SET owner_name = (SELECT u.username FROM users u WHERE u.id = servers.owner_id);
ALTER TABLE servers ALTER COLUMN owner_name SET NOT NULL;
CREATE INDEX servers_owner_name ON servers (owner_name);
ALTER TABLE servers ADD COLUMN source_repo VARCHAR(2000) NOT NULL DEFAULT '';
ALTER TABLE servers ADD COLUMN source_ref VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE servers ADD COLUMN source_commit VARCHAR(64) NOT NULL DEFAULT '';

-- Settings Berth makes itself and keeps, such as its instance id (see InstanceIdentity).
CREATE TABLE settings (
    name       VARCHAR(100)  PRIMARY KEY,
    text_value VARCHAR(2000) NOT NULL
);
