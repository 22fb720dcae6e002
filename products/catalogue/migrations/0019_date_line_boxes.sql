-- A box that crosses the date line (west > east, as STAC and sidecars say
-- it: a Pacific flight from 175° to -178°) was handed to the R*Tree as it
-- is, which refuses a minimum over its maximum: the product's write failed.
-- The R*Tree now gets the box's whole band of latitude for it (an area
-- search may find it a little too often, never miss it); the document keeps
-- the box as given.
DROP TRIGGER search_reindex;

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
    SELECT id, CASE WHEN west > east THEN -180 ELSE west END,
           CASE WHEN west > east THEN 180 ELSE east END, south, north FROM search_docs
     WHERE kind = NEW.kind AND ref = NEW.ref AND west IS NOT NULL AND south IS NOT NULL
       AND east IS NOT NULL AND north IS NOT NULL;
    DELETE FROM search_pending;
END;
