-- Operations: the campaign's platforms and IOPs, the operations planned with
-- them, and the decisions that move each through its lifecycle. Decisions
-- are append-only: the triggers below refuse to change or delete one, so
-- that even a bug (or a hand at the sqlite3 prompt) cannot rewrite history.

CREATE TABLE platforms (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    kind TEXT NOT NULL,
    base TEXT NOT NULL DEFAULT '',
    colour TEXT,
    contact TEXT NOT NULL DEFAULT ''
);

CREATE TABLE iops (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    objectives TEXT NOT NULL DEFAULT ''
);

CREATE TABLE operations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    -- The plan (every planning field) as JSON, read whole; the columns
    -- queried by (platform, window) are copies written with it.
    plan TEXT NOT NULL,
    platform TEXT NOT NULL COLLATE NOCASE,
    planned_start_ms INTEGER NOT NULL,
    planned_end_ms INTEGER,
    created_by TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX operations_by_start ON operations (planned_start_ms);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    operation_id INTEGER NOT NULL REFERENCES operations (id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    author TEXT NOT NULL,
    rationale TEXT NOT NULL,
    view TEXT,
    planned_start_ms INTEGER,
    planned_end_ms INTEGER
);
CREATE INDEX decisions_by_operation ON decisions (operation_id, id);

-- The exact product versions a decision cites, in the order given.
CREATE TABLE decision_evidence (
    decision_id INTEGER NOT NULL REFERENCES decisions (id),
    position INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    PRIMARY KEY (decision_id, position)
);

CREATE TRIGGER decisions_are_not_edited BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_are_not_deleted BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER evidence_is_not_edited BEFORE UPDATE ON decision_evidence
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER evidence_is_not_deleted BEFORE DELETE ON decision_evidence
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

-- Briefings: a dated, presented list of items (product versions or views,
-- each with a comment), the operations discussed, and where the presenter
-- is (`position`), which every participant's presentation follows.
CREATE TABLE briefings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    presenter TEXT NOT NULL,
    body TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX briefings_by_time ON briefings (at_ms);
