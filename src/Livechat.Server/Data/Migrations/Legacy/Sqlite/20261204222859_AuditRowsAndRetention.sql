ALTER TABLE "change_events" ADD "Audit" TEXT NULL;

CREATE INDEX "IX_login_attempts_Ts" ON "login_attempts" ("Ts");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204222859_AuditRowsAndRetention', '10.0.15');

