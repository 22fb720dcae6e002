-- Where a platform's base is (the centre of its range rings on the map) and
-- the rings' radii in km, as a JSON list (empty: the map's default rings).
ALTER TABLE platforms ADD COLUMN base_lon REAL;
ALTER TABLE platforms ADD COLUMN base_lat REAL;
ALTER TABLE platforms ADD COLUMN rings_km TEXT NOT NULL DEFAULT '[]';
