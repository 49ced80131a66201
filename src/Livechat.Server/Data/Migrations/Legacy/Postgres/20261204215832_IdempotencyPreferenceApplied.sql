ALTER TABLE idempotency_keys ADD "PreferenceApplied" text;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204215832_IdempotencyPreferenceApplied', '10.0.15');

