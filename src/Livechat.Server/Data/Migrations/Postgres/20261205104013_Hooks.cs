using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Hooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SurveyFeedback",
                table: "rooms",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SurveyFeedback",
                table: "rooms");
        }
    }
}
