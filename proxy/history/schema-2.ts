/**
 * Schema 2: request bodies as manifests over content-addressed parts, responses and
 * headers compressed, exchanges grouped into sessions and turns.
 *
 * A row's `body_format` says which shape it has: 1 (written by schema 1: bodies in the
 * text columns) or 2 (manifests and packed blobs). The background conversion
 * (migrate-rows.ts) turns 1 into 2 in place; the reader reads both.
 */
export const SCHEMA_2 = `
  CREATE TABLE parts (
    id INTEGER PRIMARY KEY,
    -- SHA-256 of the part's bytes: what makes a part stored once.
    hash BLOB NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
  ) STRICT;

  -- Which exchanges reference which parts: the garbage collector's reference count, and
  -- how a search hit on a part finds its exchanges.
  CREATE TABLE exchange_parts (
    part INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (part, seq)
  ) STRICT, WITHOUT ROWID;

  -- Each distinct part's text once; exchanges_fts keeps each response's text.
  CREATE VIRTUAL TABLE parts_fts USING fts5(
    text,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER parts_fts_delete AFTER DELETE ON parts BEGIN
    DELETE FROM parts_fts WHERE rowid = old.id;
  END;

  -- Aggregates kept up to date by the writer, so listing sessions reads one row each.
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    client TEXT,
    models TEXT NOT NULL DEFAULT '[]',
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    turns INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    input INTEGER NOT NULL DEFAULT 0,
    output INTEGER NOT NULL DEFAULT 0,
    cache_read INTEGER NOT NULL DEFAULT 0,
    cache_write INTEGER NOT NULL DEFAULT 0,
    cost REAL,
    title TEXT,
    cwd TEXT
  ) STRICT;
  CREATE INDEX sessions_last ON sessions(last_at);
  CREATE INDEX sessions_client ON sessions(client, last_at);

  ALTER TABLE exchanges ADD COLUMN body_format INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE exchanges ADD COLUMN original_manifest BLOB;
  ALTER TABLE exchanges ADD COLUMN forwarded_manifest BLOB;
  ALTER TABLE exchanges ADD COLUMN original_sha BLOB;
  ALTER TABLE exchanges ADD COLUMN forwarded_sha BLOB;
  ALTER TABLE exchanges ADD COLUMN response_packed BLOB;
  ALTER TABLE exchanges ADD COLUMN assembled_packed BLOB;
  ALTER TABLE exchanges ADD COLUMN headers_packed BLOB;
  ALTER TABLE exchanges ADD COLUMN session INTEGER;
  ALTER TABLE exchanges ADD COLUMN thread TEXT;
  ALTER TABLE exchanges ADD COLUMN parent_seq INTEGER;
  ALTER TABLE exchanges ADD COLUMN spawned_by INTEGER;
  ALTER TABLE exchanges ADD COLUMN message_count INTEGER;
  ALTER TABLE exchanges ADD COLUMN delta_from INTEGER;
  ALTER TABLE exchanges ADD COLUMN system_part INTEGER;
  ALTER TABLE exchanges ADD COLUMN tools_part INTEGER;
  ALTER TABLE exchanges ADD COLUMN system_changed INTEGER;
  ALTER TABLE exchanges ADD COLUMN tools_changed INTEGER;
  ALTER TABLE exchanges ADD COLUMN chain_key BLOB;
  ALTER TABLE exchanges ADD COLUMN answer_key BLOB;
  ALTER TABLE exchanges ADD COLUMN calls_agent INTEGER;
  ALTER TABLE exchanges ADD COLUMN cost REAL;

  CREATE INDEX exchanges_session ON exchanges(session, started_at);
  CREATE INDEX exchanges_chain ON exchanges(chain_key) WHERE chain_key IS NOT NULL;
  CREATE INDEX exchanges_answer ON exchanges(answer_key) WHERE answer_key IS NOT NULL;
  CREATE INDEX exchanges_format ON exchanges(body_format, seq) WHERE body_format = 1;
`;
