-- One search over products, case studies, reports, decisions and briefings
-- (issue 12). Each searchable thing is a row of search_docs (what filters
-- and facets read) and a row of search_text with the same rowid (an FTS5
-- index of its words). Triggers keep both in step with the tables, inside
-- the transaction that changes them: nothing written through the hub can be
-- missed, and no code path has to remember to index.
--
-- For PostgreSQL, search_text becomes a tsvector column of search_docs and
-- the same triggers fill it.

CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    -- product, case_study, report, decision, briefing
    kind TEXT NOT NULL,
    -- The product, case study, operation (a report), decision or briefing id.
    ref INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    category TEXT,
    platform TEXT,
    -- A JSON array.
    tags TEXT NOT NULL DEFAULT '[]',
    west REAL,
    south REAL,
    east REAL,
    north REAL,
    restricted INTEGER NOT NULL DEFAULT 0,
    restricted_until_ms INTEGER,
    -- 0 for a draft case study: participants only.
    published INTEGER NOT NULL DEFAULT 1,
    UNIQUE (kind, ref)
);
CREATE INDEX search_docs_by_time ON search_docs (time_ms);

-- Each document's tags and box, indexed: a tag or an area is found
-- without reading every document.
CREATE TABLE search_tags (
    doc_id INTEGER NOT NULL REFERENCES search_docs (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, doc_id)
);
CREATE INDEX search_tags_by_doc ON search_tags (doc_id);
CREATE VIRTUAL TABLE search_boxes USING rtree(id, west, east, south, north);

CREATE VIRTUAL TABLE search_text USING fts5(
    title, body, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- What each kind contributes, written once: the triggers copy from these.
CREATE VIEW search_product_docs AS
SELECT 'product' AS kind, id AS ref, valid_ms AS time_ms, category, platform,
       COALESCE(json_extract(meta, '$.tags'), '[]') AS tags,
       json_extract(meta, '$.bbox[0]') AS west, json_extract(meta, '$.bbox[1]') AS south,
       json_extract(meta, '$.bbox[2]') AS east, json_extract(meta, '$.bbox[3]') AS north,
       restricted, restricted_until_ms, 1 AS published,
       replace(file_name, '.', ' ') || ' ' || COALESCE(json_extract(meta, '$.title'), '') AS title,
       COALESCE(json_extract(meta, '$.description'), '') || ' ' || meta AS body
  FROM products WHERE is_current = 1;

CREATE VIEW search_case_docs AS
SELECT 'case_study' AS kind, id AS ref, start_ms AS time_ms, NULL AS category, NULL AS platform,
       COALESCE(json_extract(body, '$.tags'), '[]') AS tags,
       west, south, east, north, 0 AS restricted, NULL AS restricted_until_ms, published,
       slug || ' ' || title AS title,
       COALESCE(json_extract(body, '$.description'), '') AS body
  FROM case_studies;

CREATE VIEW search_report_docs AS
SELECT 'report' AS kind, r.operation_id AS ref, o.planned_start_ms AS time_ms,
       NULL AS category, o.platform, '[]' AS tags,
       NULL AS west, NULL AS south, NULL AS east, NULL AS north,
       0 AS restricted, NULL AS restricted_until_ms, 1 AS published,
       'Report ' || o.code AS title, r.sections AS body
  FROM reports r JOIN operations o ON o.id = r.operation_id;

CREATE VIEW search_decision_docs AS
SELECT 'decision' AS kind, d.id AS ref, d.at_ms AS time_ms, NULL AS category, o.platform,
       '[]' AS tags, NULL AS west, NULL AS south, NULL AS east, NULL AS north,
       0 AS restricted, NULL AS restricted_until_ms, 1 AS published,
       o.code || ' ' || d.from_status || ' → ' || d.to_status AS title, d.rationale AS body
  FROM decisions d JOIN operations o ON o.id = d.operation_id;

CREATE VIEW search_briefing_docs AS
SELECT 'briefing' AS kind, id AS ref, at_ms AS time_ms, NULL AS category, NULL AS platform,
       '[]' AS tags, NULL AS west, NULL AS south, NULL AS east, NULL AS north,
       0 AS restricted, NULL AS restricted_until_ms, 1 AS published,
       title, presenter || ' ' || body AS body
  FROM briefings;

-- Every view's rows at once, for the triggers' one insert statement.
CREATE VIEW search_all_docs AS
SELECT * FROM search_product_docs UNION ALL SELECT * FROM search_case_docs
UNION ALL SELECT * FROM search_report_docs UNION ALL SELECT * FROM search_decision_docs
UNION ALL SELECT * FROM search_briefing_docs;

-- Removing a thing's rows and adding them again from the views is all the
-- triggers do: they name it in search_pending, whose trigger does it.
CREATE TABLE search_pending (kind TEXT NOT NULL, ref INTEGER NOT NULL);

CREATE TRIGGER search_reindex AFTER INSERT ON search_pending
BEGIN
    DELETE FROM search_text
     WHERE rowid = (SELECT id FROM search_docs WHERE kind = NEW.kind AND ref = NEW.ref);
    DELETE FROM search_boxes
     WHERE id = (SELECT id FROM search_docs WHERE kind = NEW.kind AND ref = NEW.ref);
    DELETE FROM search_docs WHERE kind = NEW.kind AND ref = NEW.ref;
    INSERT INTO search_docs (kind, ref, time_ms, category, platform, tags, west, south, east,
                             north, restricted, restricted_until_ms, published)
    SELECT kind, ref, time_ms, category, platform, tags, west, south, east, north,
           restricted, restricted_until_ms, published
      FROM search_all_docs WHERE kind = NEW.kind AND ref = NEW.ref;
    INSERT INTO search_text (rowid, title, body, tags)
    SELECT d.id, v.title, v.body, (SELECT group_concat(value, ' ') FROM json_each(v.tags))
      FROM search_all_docs v JOIN search_docs d ON d.kind = v.kind AND d.ref = v.ref
     WHERE v.kind = NEW.kind AND v.ref = NEW.ref;
    INSERT OR IGNORE INTO search_tags (doc_id, tag)
    SELECT d.id, j.value FROM search_docs d, json_each(d.tags) j
     WHERE d.kind = NEW.kind AND d.ref = NEW.ref;
    INSERT INTO search_boxes (id, west, east, south, north)
    SELECT id, west, east, south, north FROM search_docs
     WHERE kind = NEW.kind AND ref = NEW.ref AND west IS NOT NULL AND south IS NOT NULL
       AND east IS NOT NULL AND north IS NOT NULL;
    DELETE FROM search_pending;
END;

CREATE TRIGGER search_product_added AFTER INSERT ON products
BEGIN INSERT INTO search_pending VALUES ('product', NEW.id); END;
CREATE TRIGGER search_product_changed
AFTER UPDATE OF is_current, meta, restricted, restricted_until_ms, valid_ms ON products
BEGIN INSERT INTO search_pending VALUES ('product', NEW.id); END;

CREATE TRIGGER search_case_added AFTER INSERT ON case_studies
BEGIN INSERT INTO search_pending VALUES ('case_study', NEW.id); END;
CREATE TRIGGER search_case_changed AFTER UPDATE ON case_studies
BEGIN INSERT INTO search_pending VALUES ('case_study', NEW.id); END;
CREATE TRIGGER search_case_deleted AFTER DELETE ON case_studies
BEGIN INSERT INTO search_pending VALUES ('case_study', OLD.id); END;

CREATE TRIGGER search_report_added AFTER INSERT ON reports
BEGIN INSERT INTO search_pending VALUES ('report', NEW.operation_id); END;
CREATE TRIGGER search_report_changed AFTER UPDATE ON reports
BEGIN INSERT INTO search_pending VALUES ('report', NEW.operation_id); END;

CREATE TRIGGER search_decision_added AFTER INSERT ON decisions
BEGIN INSERT INTO search_pending VALUES ('decision', NEW.id); END;

CREATE TRIGGER search_briefing_added AFTER INSERT ON briefings
BEGIN INSERT INTO search_pending VALUES ('briefing', NEW.id); END;
CREATE TRIGGER search_briefing_changed AFTER UPDATE OF title, at_ms, presenter, body ON briefings
BEGIN INSERT INTO search_pending VALUES ('briefing', NEW.id); END;

-- An operation's code, platform or start changes what its reports and
-- decisions are found by.
CREATE TRIGGER search_operation_changed AFTER UPDATE OF code, platform, planned_start_ms ON operations
BEGIN
    INSERT INTO search_pending SELECT 'report', operation_id FROM reports WHERE operation_id = NEW.id;
    INSERT INTO search_pending SELECT 'decision', id FROM decisions WHERE operation_id = NEW.id;
END;

-- What the catalogue holds already.
INSERT INTO search_pending SELECT kind, ref FROM search_all_docs;
