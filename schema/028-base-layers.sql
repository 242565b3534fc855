-- 028: every layer has a spatial index (citygrid-data(7), LAYERS).
-- The patrol tables of 010 had none on their geometry; QGIS and
-- ogr2ogr with a bounding box need one.
CREATE INDEX IF NOT EXISTS patrol_position_geom_idx ON patrol_position USING gist (geom);
CREATE INDEX IF NOT EXISTS patrol_track_line_idx ON patrol_track USING gist (line);
