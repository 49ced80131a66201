ALTER TABLE messages ADD "EditedAt" timestamp with time zone;

ALTER TABLE messages ADD "EditedById" text;

ALTER TABLE messages ADD "EditedByUsername" text;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130013622_MessageEdits', '10.0.15');

