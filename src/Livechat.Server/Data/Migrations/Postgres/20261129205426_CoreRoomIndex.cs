using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CoreRoomIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "room_fields",
                columns: table => new
                {
                    RoomId = table.Column<string>(type: "text", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: false),
                    ValueLower = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_room_fields", x => new { x.RoomId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "room_tags",
                columns: table => new
                {
                    RoomId = table.Column<string>(type: "text", nullable: false),
                    Tag = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_room_tags", x => new { x.RoomId, x.Tag });
                });

            migrationBuilder.CreateIndex(
                name: "IX_room_fields_Key_ValueLower_RoomId",
                table: "room_fields",
                columns: new[] { "Key", "ValueLower", "RoomId" });

            migrationBuilder.CreateIndex(
                name: "IX_room_tags_Tag_RoomId",
                table: "room_tags",
                columns: new[] { "Tag", "RoomId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "room_fields");

            migrationBuilder.DropTable(
                name: "room_tags");
        }
    }
}
