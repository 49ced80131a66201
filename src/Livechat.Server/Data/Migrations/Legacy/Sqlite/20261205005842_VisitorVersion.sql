ALTER TABLE "visitors" ADD "Version" INTEGER NOT NULL DEFAULT 1;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205005842_VisitorVersion', '10.0.15');

