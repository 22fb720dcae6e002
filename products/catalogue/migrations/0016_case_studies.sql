-- Case studies and the campaign's tag vocabulary (issue 12).

CREATE TABLE case_tags (
    tag TEXT PRIMARY KEY,
    long_name TEXT NOT NULL,
    tier INTEGER NOT NULL
);

CREATE TABLE case_studies (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    -- The area, all four or none.
    west REAL,
    south REAL,
    east REAL,
    north REAL,
    -- The description, operations, pins (exact version rows) and segments,
    -- read whole.
    body TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);

-- Days and search find cases by time and by tag without reading bodies.
CREATE INDEX case_studies_by_time ON case_studies (start_ms, end_ms);

CREATE TABLE case_study_tags (
    case_id INTEGER NOT NULL REFERENCES case_studies (id) ON DELETE CASCADE,
    tag TEXT NOT NULL REFERENCES case_tags (tag),
    PRIMARY KEY (case_id, tag)
);

CREATE TABLE case_study_pins (
    case_id INTEGER NOT NULL REFERENCES case_studies (id) ON DELETE CASCADE,
    -- The row of the exact version pinned: a newer version is a new row.
    product_id INTEGER NOT NULL REFERENCES products (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (case_id, product_id)
);
