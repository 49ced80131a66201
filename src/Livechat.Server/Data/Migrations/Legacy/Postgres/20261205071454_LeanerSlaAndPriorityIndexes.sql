DROP INDEX "IX_rooms_PriorityId";

DROP INDEX "IX_rooms_SlaId";

DROP INDEX "IX_inquiries_SlaId";

CREATE INDEX "IX_rooms_SlaId" ON rooms ("SlaId") WHERE "SlaId" IS NOT NULL;

CREATE INDEX "IX_inquiries_SlaId" ON inquiries ("SlaId") WHERE "SlaId" IS NOT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205071454_LeanerSlaAndPriorityIndexes', '10.0.15');

