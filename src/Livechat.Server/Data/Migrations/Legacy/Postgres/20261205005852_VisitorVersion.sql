ALTER TABLE visitors ADD "Version" integer NOT NULL DEFAULT 1;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205005852_VisitorVersion', '10.0.15');

