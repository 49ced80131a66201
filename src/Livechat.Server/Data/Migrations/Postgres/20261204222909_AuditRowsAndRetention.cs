using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditRowsAndRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Audit",
                table: "change_events",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_login_attempts_Ts",
                table: "login_attempts",
                column: "Ts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_login_attempts_Ts",
                table: "login_attempts");

            migrationBuilder.DropColumn(
                name: "Audit",
                table: "change_events");
        }
    }
}
