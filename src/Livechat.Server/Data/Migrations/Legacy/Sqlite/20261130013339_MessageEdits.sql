ALTER TABLE "messages" ADD "EditedAt" TEXT NULL;

ALTER TABLE "messages" ADD "EditedById" TEXT NULL;

ALTER TABLE "messages" ADD "EditedByUsername" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130013339_MessageEdits', '10.0.15');

