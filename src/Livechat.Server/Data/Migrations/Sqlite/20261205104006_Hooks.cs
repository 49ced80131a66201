using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Sqlite
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
                type: "TEXT",
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
