using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OneOpenRoomPerVisitor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_rooms_OneOpenRoomPerVisitor",
                table: "rooms",
                column: "VisitorId",
                unique: true,
                filter: "\"Open\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_rooms_OneOpenRoomPerVisitor",
                table: "rooms");
        }
    }
}
