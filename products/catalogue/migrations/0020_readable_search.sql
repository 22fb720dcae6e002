-- Search reads as people do (issue 24). A product's sidecar was indexed as
-- its raw JSON, so snippets showed braces, keys and quotes: now its text
-- values only, one after another. An IOP is found by its name (a document
-- of its own, linked to its first day), and an operation's reports and
-- decisions by the IOP it belongs to.

DROP VIEW search_all_docs;
DROP VIEW search_product_docs;
DROP VIEW search_report_docs;
DROP VIEW search_decision_docs;

CREATE VIEW search_product_docs AS
SELECT 'product' AS kind, id AS ref, valid_ms AS time_ms, category, platform,
       COALESCE(json_extract(meta, '$.tags'), '[]') AS tags,
       json_extract(meta, '$.bbox[0]') AS west, json_extract(meta, '$.bbox[1]') AS south,
       json_extract(meta, '$.bbox[2]') AS east, json_extract(meta, '$.bbox[3]') AS north,
       restricted, restricted_until_ms, 1 AS published,
       replace(file_name, '.', ' ') || ' ' || COALESCE(json_extract(meta, '$.title'), '') AS title,
       COALESCE(json_extract(meta, '$.description'), '') || ' ' || COALESCE(
           (SELECT group_concat(t.value, ' ') FROM json_tree(products.meta) t
             WHERE t.type = 'text' AND t.key NOT IN ('title', 'description')
               AND t.path NOT LIKE '$.tags%'), '') AS body
  FROM products WHERE is_current = 1;

CREATE VIEW search_report_docs AS
SELECT 'report' AS kind, r.operation_id AS ref, o.planned_start_ms AS time_ms,
       NULL AS category, o.platform, '[]' AS tags,
       NULL AS west, NULL AS south, NULL AS east, NULL AS north,
       0 AS restricted, NULL AS restricted_until_ms, 1 AS published,
       'Report ' || o.code AS title,
       COALESCE(json_extract(o.plan, '$.iop'), '') || ' ' || COALESCE(
           (SELECT group_concat(s.value, ' ') FROM json_each(r.sections) s
             WHERE s.type = 'text'), '') AS body
  FROM reports r JOIN operations o ON o.id = r.operation_id;

CREATE VIEW search_decision_docs AS
SELECT 'decision' AS kind, d.id AS ref, d.at_ms AS time_ms, NULL AS category, o.platform,
       '[]' AS tags, NULL AS west, NULL AS south, NULL AS east, NULL AS north,
       0 AS restricted, NULL AS restricted_until_ms, 1 AS published,
       o.code || ' ' || d.from_status || ' → ' || d.to_status AS title,
       d.rationale || ' ' || COALESCE(json_extract(o.plan, '$.iop'), '') AS body
  FROM decisions d JOIN operations o ON o.id = d.operation_id;

CREATE VIEW search_iop_docs AS
SELECT 'iop' AS kind, rowid AS ref, start_ms AS time_ms, NULL AS category, NULL AS platform,
       '[]' AS tags, NULL AS west, NULL AS south, NULL AS east, NULL AS north,
       0 AS restricted, NULL AS restricted_until_ms, 1 AS published,
       name AS title, objectives AS body
  FROM iops;

CREATE VIEW search_all_docs AS
SELECT * FROM search_product_docs UNION ALL SELECT * FROM search_case_docs
UNION ALL SELECT * FROM search_report_docs UNION ALL SELECT * FROM search_decision_docs
UNION ALL SELECT * FROM search_briefing_docs UNION ALL SELECT * FROM search_iop_docs;

CREATE TRIGGER search_iop_added AFTER INSERT ON iops
BEGIN INSERT INTO search_pending VALUES ('iop', NEW.rowid); END;
CREATE TRIGGER search_iop_changed AFTER UPDATE ON iops
BEGIN
    INSERT INTO search_pending VALUES ('iop', NEW.rowid);
    INSERT INTO search_pending
    SELECT 'report', r.operation_id FROM reports r JOIN operations o ON o.id = r.operation_id
     WHERE json_extract(o.plan, '$.iop') = NEW.name COLLATE NOCASE;
    INSERT INTO search_pending
    SELECT 'decision', d.id FROM decisions d JOIN operations o ON o.id = d.operation_id
     WHERE json_extract(o.plan, '$.iop') = NEW.name COLLATE NOCASE;
END;

-- An operation moved to another IOP: its reports and decisions follow.
CREATE TRIGGER search_operation_plan_changed AFTER UPDATE OF plan ON operations
BEGIN
    INSERT INTO search_pending SELECT 'report', operation_id FROM reports WHERE operation_id = NEW.id;
    INSERT INTO search_pending SELECT 'decision', id FROM decisions WHERE operation_id = NEW.id;
END;

-- What the catalogue holds already, read again.
INSERT INTO search_pending SELECT kind, ref FROM search_product_docs;
INSERT INTO search_pending SELECT kind, ref FROM search_report_docs;
INSERT INTO search_pending SELECT kind, ref FROM search_decision_docs;
INSERT INTO search_pending SELECT kind, ref FROM search_iop_docs;
