CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "IX_room_fields_ValueLower_trgm" ON room_fields USING gin ("ValueLower" gin_trgm_ops);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130003000_CustomFieldSearch', '10.0.15');

