ALTER TABLE users ADD "OpenRoomCount" integer NOT NULL DEFAULT 0;

CREATE FUNCTION rooms_open_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD."Open" AND OLD."ServedById" IS NOT NULL THEN
        UPDATE users SET "OpenRoomCount" = "OpenRoomCount" - 1 WHERE "Id" = OLD."ServedById";
    END IF;
    IF TG_OP <> 'DELETE' AND NEW."Open" AND NEW."ServedById" IS NOT NULL THEN
        UPDATE users SET "OpenRoomCount" = "OpenRoomCount" + 1 WHERE "Id" = NEW."ServedById";
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER rooms_open_count_insert AFTER INSERT ON rooms FOR EACH ROW
    WHEN (NEW."Open" AND NEW."ServedById" IS NOT NULL) EXECUTE FUNCTION rooms_open_count();
CREATE TRIGGER rooms_open_count_update AFTER UPDATE OF "Open", "ServedById" ON rooms FOR EACH ROW
    WHEN (OLD."Open" IS DISTINCT FROM NEW."Open" OR OLD."ServedById" IS DISTINCT FROM NEW."ServedById") EXECUTE FUNCTION rooms_open_count();
CREATE TRIGGER rooms_open_count_delete AFTER DELETE ON rooms FOR EACH ROW
    WHEN (OLD."Open" AND OLD."ServedById" IS NOT NULL) EXECUTE FUNCTION rooms_open_count();
UPDATE users SET "OpenRoomCount" = (SELECT count(*) FROM rooms WHERE rooms."Open" AND rooms."ServedById" = users."Id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205035600_AgentOpenRoomCount', '10.0.15');

