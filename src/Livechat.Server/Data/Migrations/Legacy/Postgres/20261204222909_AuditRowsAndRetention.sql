ALTER TABLE change_events ADD "Audit" text;

CREATE INDEX "IX_login_attempts_Ts" ON login_attempts ("Ts");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204222909_AuditRowsAndRetention', '10.0.15');

