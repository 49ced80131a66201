ALTER TABLE webhook_outbox ADD "OrderKey" bigint NOT NULL DEFAULT 0;

CREATE INDEX "IX_webhook_outbox_CreatedAt" ON webhook_outbox ("CreatedAt");

CREATE INDEX "IX_webhook_outbox_RoomId_Status_OrderKey" ON webhook_outbox ("RoomId", "Status", "OrderKey");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261130011256_WebhookOrder', '10.0.15');

