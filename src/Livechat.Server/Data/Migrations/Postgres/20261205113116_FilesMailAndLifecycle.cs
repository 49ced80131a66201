using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FilesMailAndLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SurveyFeedback",
                table: "rooms",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Files",
                table: "messages",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "canned_responses",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Shortcut = table.Column<string>(type: "text", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Scope = table.Column<string>(type: "text", nullable: false),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: true),
                    DepartmentId = table.Column<string>(type: "text", nullable: true),
                    CreatedById = table.Column<string>(type: "text", nullable: false),
                    CreatedByUsername = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_canned_responses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "livechat_triggers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Description = table.Column<string>(type: "text", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    RunOnce = table.Column<bool>(type: "boolean", nullable: false),
                    Conditions = table.Column<string>(type: "text", nullable: false),
                    Actions = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_livechat_triggers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "mail_outbox",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    RoomId = table.Column<string>(type: "text", nullable: true),
                    To = table.Column<string>(type: "text", nullable: false),
                    FromName = table.Column<string>(type: "text", nullable: true),
                    ReplyTo = table.Column<string>(type: "text", nullable: true),
                    Subject = table.Column<string>(type: "text", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Html = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "text", nullable: true),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "transcript_requests",
                columns: table => new
                {
                    RoomId = table.Column<string>(type: "text", nullable: false),
                    Email = table.Column<string>(type: "text", nullable: false),
                    Subject = table.Column<string>(type: "text", nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RequestedById = table.Column<string>(type: "text", nullable: false),
                    RequestedByUsername = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_transcript_requests", x => x.RoomId);
                });

            migrationBuilder.CreateTable(
                name: "uploads",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Rid = table.Column<string>(type: "text", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    MessageId = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_uploads", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_canned_responses_Scope_DepartmentId",
                table: "canned_responses",
                columns: new[] { "Scope", "DepartmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_canned_responses_Scope_UserId",
                table: "canned_responses",
                columns: new[] { "Scope", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_canned_responses_Shortcut",
                table: "canned_responses",
                column: "Shortcut",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_livechat_triggers_Enabled_CreatedAt",
                table: "livechat_triggers",
                columns: new[] { "Enabled", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_mail_outbox_CreatedAt",
                table: "mail_outbox",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_mail_outbox_RoomId",
                table: "mail_outbox",
                column: "RoomId");

            migrationBuilder.CreateIndex(
                name: "IX_mail_outbox_Status_NextAttemptAt",
                table: "mail_outbox",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_uploads_Rid",
                table: "uploads",
                column: "Rid");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "canned_responses");

            migrationBuilder.DropTable(
                name: "livechat_triggers");

            migrationBuilder.DropTable(
                name: "mail_outbox");

            migrationBuilder.DropTable(
                name: "transcript_requests");

            migrationBuilder.DropTable(
                name: "uploads");

            migrationBuilder.DropColumn(
                name: "SurveyFeedback",
                table: "rooms");

            migrationBuilder.DropColumn(
                name: "Files",
                table: "messages");
        }
    }
}
