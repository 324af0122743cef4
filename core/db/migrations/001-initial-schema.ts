/**
 * The first schema. Each pool table keeps the columns that queries filter on and the
 * whole object as JSON in `body`; `version` counts updates for optimistic locking.
 */
export const INITIAL_SCHEMA = `
CREATE TABLE sequences (
  pool TEXT PRIMARY KEY,
  next_id INTEGER NOT NULL
);

CREATE TABLE user_pool (
  oid INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  gid INTEGER NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE group_pool (
  oid INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE acl (
  oid INTEGER PRIMARY KEY,
  user_part TEXT NOT NULL,
  resource_part TEXT NOT NULL,
  rights_part TEXT NOT NULL,
  zone_part TEXT NOT NULL,
  UNIQUE (user_part, resource_part, rights_part, zone_part)
);

CREATE TABLE host_pool (
  oid INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  uid INTEGER NOT NULL,
  gid INTEGER NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE datastore_pool (
  oid INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  uid INTEGER NOT NULL,
  gid INTEGER NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE image_pool (
  oid INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  uid INTEGER NOT NULL,
  gid INTEGER NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (name, uid)
);

CREATE TABLE template_pool (
  oid INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  uid INTEGER NOT NULL,
  gid INTEGER NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE network_pool (
  oid INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  uid INTEGER NOT NULL,
  gid INTEGER NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (name, uid)
);

CREATE TABLE vm_pool (
  oid INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  uid INTEGER NOT NULL,
  gid INTEGER NOT NULL,
  state INTEGER NOT NULL,
  lcm_state INTEGER NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX vm_pool_state ON vm_pool (state);
CREATE INDEX vm_pool_uid ON vm_pool (uid);
CREATE INDEX image_pool_uid ON image_pool (uid);
CREATE INDEX template_pool_uid ON template_pool (uid);
CREATE INDEX network_pool_uid ON network_pool (uid);
`;
