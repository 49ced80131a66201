CREATE TABLE "change_events" (
    "Seq" INTEGER NOT NULL CONSTRAINT "PK_change_events" PRIMARY KEY AUTOINCREMENT,
    "Type" TEXT NOT NULL,
    "RoomId" TEXT NULL,
    "VisitorId" TEXT NULL,
    "Ts" TEXT NOT NULL,
    "Origin" TEXT NOT NULL,
    "Audited" INTEGER NOT NULL,
    "Data" TEXT NOT NULL
);

CREATE INDEX "IX_change_events_Audit" ON "change_events" ("RoomId", "Seq") WHERE "Audited";

CREATE INDEX "IX_change_events_Ts" ON "change_events" ("Ts");

CREATE INDEX "IX_change_events_VisitorId" ON "change_events" ("VisitorId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261129231837_ChangeEvents', '10.0.15');

