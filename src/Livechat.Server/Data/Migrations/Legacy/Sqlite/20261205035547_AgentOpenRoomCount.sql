ALTER TABLE "users" ADD "OpenRoomCount" INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER rooms_open_count_insert AFTER INSERT ON rooms WHEN new."Open" AND new."ServedById" IS NOT NULL BEGIN
  UPDATE users SET "OpenRoomCount" = "OpenRoomCount" + 1 WHERE "Id" = new."ServedById";
END;
CREATE TRIGGER rooms_open_count_update AFTER UPDATE OF "Open", "ServedById" ON rooms
WHEN old."Open" IS NOT new."Open" OR old."ServedById" IS NOT new."ServedById" BEGIN
  UPDATE users SET "OpenRoomCount" = "OpenRoomCount" - 1 WHERE old."Open" AND "Id" = old."ServedById";
  UPDATE users SET "OpenRoomCount" = "OpenRoomCount" + 1 WHERE new."Open" AND "Id" = new."ServedById";
END;
CREATE TRIGGER rooms_open_count_delete AFTER DELETE ON rooms WHEN old."Open" AND old."ServedById" IS NOT NULL BEGIN
  UPDATE users SET "OpenRoomCount" = "OpenRoomCount" - 1 WHERE "Id" = old."ServedById";
END;
UPDATE users SET "OpenRoomCount" = (SELECT count(*) FROM rooms WHERE rooms."Open" AND rooms."ServedById" = users."Id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205035547_AgentOpenRoomCount', '10.0.15');

