using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WebhookOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "OrderKey",
                table: "webhook_outbox",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_webhook_outbox_CreatedAt",
                table: "webhook_outbox",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_webhook_outbox_RoomId_Status_OrderKey",
                table: "webhook_outbox",
                columns: new[] { "RoomId", "Status", "OrderKey" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_webhook_outbox_CreatedAt",
                table: "webhook_outbox");

            migrationBuilder.DropIndex(
                name: "IX_webhook_outbox_RoomId_Status_OrderKey",
                table: "webhook_outbox");

            migrationBuilder.DropColumn(
                name: "OrderKey",
                table: "webhook_outbox");
        }
    }
}
