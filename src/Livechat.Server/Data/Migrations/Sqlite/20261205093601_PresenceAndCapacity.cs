using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PresenceAndCapacity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "OfflineSince",
                table: "users",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StatusConnection",
                table: "users",
                type: "TEXT",
                nullable: false,
                defaultValue: "offline");

            migrationBuilder.AddColumn<string>(
                name: "StatusDefault",
                table: "users",
                type: "TEXT",
                nullable: false,
                defaultValue: "online");

            migrationBuilder.AddColumn<int>(
                name: "MaxNumberSimultaneousChat",
                table: "departments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "user_connections",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    ProcessId = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    ConnectedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    HeartbeatAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_connections", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_user_connections_HeartbeatAt",
                table: "user_connections",
                column: "HeartbeatAt");

            migrationBuilder.CreateIndex(
                name: "IX_user_connections_ProcessId",
                table: "user_connections",
                column: "ProcessId");

            migrationBuilder.CreateIndex(
                name: "IX_user_connections_UserId",
                table: "user_connections",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_connections");

            migrationBuilder.DropColumn(
                name: "OfflineSince",
                table: "users");

            migrationBuilder.DropColumn(
                name: "StatusConnection",
                table: "users");

            migrationBuilder.DropColumn(
                name: "StatusDefault",
                table: "users");

            migrationBuilder.DropColumn(
                name: "MaxNumberSimultaneousChat",
                table: "departments");
        }
    }
}
