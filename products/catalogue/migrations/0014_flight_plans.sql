-- Flight plans attached to operations: the waypoints as JSON (read whole),
-- with what listings show without reading them.
CREATE TABLE flight_plans (
    id INTEGER PRIMARY KEY,
    operation_id INTEGER NOT NULL REFERENCES operations (id),
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    waypoints TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX flight_plans_by_operation ON flight_plans (operation_id, id);
