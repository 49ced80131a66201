using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HandOverAndQueues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-set: existing users start offline, with online as the status they choose (Rocket.Chat's defaults).
            migrationBuilder.AddColumn<bool>(
                name: "LivechatStatusSystemModified",
                table: "users",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

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

            migrationBuilder.AddColumn<DateTime>(
                name: "AbandonedResponseTs",
                table: "rooms",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "OnHold",
                table: "rooms",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Comment",
                table: "messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TransferData",
                table: "messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxNumberSimultaneousChat",
                table: "departments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "business_hours",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    TimezoneName = table.Column<string>(type: "TEXT", nullable: false),
                    WorkHours = table.Column<string>(type: "TEXT", nullable: false),
                    Departments = table.Column<string>(type: "TEXT", nullable: false),
                    AppliedOpen = table.Column<bool>(type: "INTEGER", nullable: true),
                    Ts = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_business_hours", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "room_members",
                columns: table => new
                {
                    RoomId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Username = table.Column<string>(type: "TEXT", nullable: false),
                    Ts = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_room_members", x => new { x.RoomId, x.UserId });
                });

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
                name: "IX_business_hours_Type",
                table: "business_hours",
                column: "Type");

            migrationBuilder.CreateIndex(
                name: "IX_room_members_UserId",
                table: "room_members",
                column: "UserId");

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
                name: "business_hours");

            migrationBuilder.DropTable(
                name: "room_members");

            migrationBuilder.DropTable(
                name: "user_connections");

            migrationBuilder.DropColumn(
                name: "LivechatStatusSystemModified",
                table: "users");

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
                name: "AbandonedResponseTs",
                table: "rooms");

            migrationBuilder.DropColumn(
                name: "OnHold",
                table: "rooms");

            migrationBuilder.DropColumn(
                name: "Comment",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "TransferData",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "MaxNumberSimultaneousChat",
                table: "departments");
        }
    }
}
