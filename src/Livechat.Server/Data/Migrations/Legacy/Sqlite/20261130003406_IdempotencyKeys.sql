CREATE TABLE "idempotency_keys" (
    "Caller" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "RequestHash" TEXT NOT NULL,
    "Completed" INTEGER NOT NULL,
    "LockedUntil" TEXT NOT NULL,
    "Status" INTEGER NULL,
    "ContentType" TEXT NULL,
    "ETag" TEXT NULL,
    "Body" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL,
    CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("Caller", "Key")
);

CREATE INDEX "IX_idempotency_keys_ExpiresAt" ON "idempotency_keys" ("ExpiresAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130003406_IdempotencyKeys', '10.0.15');

