-- Platform positions (IWG1 packets): telemetry, not campaign state. At a
-- packet a second from each aircraft they would outnumber every other change
-- a hundred to one, and a page catching up would replay them one event each;
-- so they are rows of their own, keyed by platform and time (a packet sent
-- twice is one row), read back by time range, and not events.
CREATE TABLE positions (
    platform TEXT NOT NULL COLLATE NOCASE,
    time_ms INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    alt REAL,
    -- The packet's other values, a JSON array in IWG1 order (null where empty).
    packet TEXT NOT NULL,
    PRIMARY KEY (platform, time_ms)
) WITHOUT ROWID;
