-- Flight and launch reports: one per operation, its sections as JSON (read
-- whole), and the product versions attached to it.

CREATE TABLE reports (
    operation_id INTEGER PRIMARY KEY REFERENCES operations (id),
    sections TEXT NOT NULL,
    -- Who last wrote the sections; '' while only files are attached.
    author TEXT NOT NULL DEFAULT '',
    updated_ms INTEGER NOT NULL
);

CREATE TABLE report_attachments (
    operation_id INTEGER NOT NULL REFERENCES reports (operation_id),
    -- The row of the exact version attached.
    product_id INTEGER NOT NULL REFERENCES products (id),
    -- 'dropped' (a report.* file that arrived) or 'pinned' (by the author).
    how TEXT NOT NULL,
    attached_ms INTEGER NOT NULL,
    PRIMARY KEY (operation_id, product_id)
);

-- When the operation's report was last written or given a file: listings
-- (the mission table, its CSV) say which operations have one without a join.
ALTER TABLE operations ADD COLUMN report_ms INTEGER;
