ALTER TABLE "idempotency_keys" ADD "PreferenceApplied" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204215821_IdempotencyPreferenceApplied', '10.0.15');

