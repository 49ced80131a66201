CREATE VIRTUAL TABLE room_fields_trgm USING fts5("ValueLower", content='room_fields', content_rowid='rowid', tokenize='trigram');
INSERT INTO room_fields_trgm(room_fields_trgm) VALUES ('rebuild');
CREATE TRIGGER room_fields_trgm_insert AFTER INSERT ON room_fields BEGIN
  INSERT INTO room_fields_trgm(rowid, "ValueLower") VALUES (new.rowid, new."ValueLower");
END;
CREATE TRIGGER room_fields_trgm_delete AFTER DELETE ON room_fields BEGIN
  INSERT INTO room_fields_trgm(room_fields_trgm, rowid, "ValueLower") VALUES ('delete', old.rowid, old."ValueLower");
END;
CREATE TRIGGER room_fields_trgm_update AFTER UPDATE ON room_fields BEGIN
  INSERT INTO room_fields_trgm(room_fields_trgm, rowid, "ValueLower") VALUES ('delete', old.rowid, old."ValueLower");
  INSERT INTO room_fields_trgm(rowid, "ValueLower") VALUES (new.rowid, new."ValueLower");
END;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130003000_CustomFieldSearch', '10.0.15');

