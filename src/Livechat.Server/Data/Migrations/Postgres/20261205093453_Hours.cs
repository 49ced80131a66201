using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Hours : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "LivechatStatusSystemModified",
                table: "users",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "AbandonedResponseTs",
                table: "rooms",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "OnHold",
                table: "rooms",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Comment",
                table: "messages",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "business_hours",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false),
                    TimezoneName = table.Column<string>(type: "text", nullable: false),
                    WorkHours = table.Column<string>(type: "text", nullable: false),
                    Departments = table.Column<List<string>>(type: "text[]", nullable: false),
                    AppliedOpen = table.Column<bool>(type: "boolean", nullable: true),
                    Ts = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_business_hours", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_business_hours_Type",
                table: "business_hours",
                column: "Type");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "business_hours");

            migrationBuilder.DropColumn(
                name: "LivechatStatusSystemModified",
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
        }
    }
}
