CREATE TABLE idempotency_keys (
    "Caller" text NOT NULL,
    "Key" text NOT NULL,
    "RequestHash" text NOT NULL,
    "Completed" boolean NOT NULL,
    "LockedUntil" timestamp with time zone NOT NULL,
    "Status" integer,
    "ContentType" text,
    "ETag" text,
    "Body" text,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ExpiresAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("Caller", "Key")
);

CREATE INDEX "IX_idempotency_keys_ExpiresAt" ON idempotency_keys ("ExpiresAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130003644_IdempotencyKeys', '10.0.15');

