using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AgentOpenRoomCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "OpenRoomCount",
                table: "users",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
            migrationBuilder.Sql("""
                CREATE TRIGGER rooms_open_count_insert AFTER INSERT ON rooms WHEN new."Open" AND new."ServedById" IS NOT NULL BEGIN
                  UPDATE users SET "OpenRoomCount" = "OpenRoomCount" + 1 WHERE "Id" = new."ServedById";
                END;
                CREATE TRIGGER rooms_open_count_update AFTER UPDATE OF "Open", "ServedById" ON rooms
                WHEN old."Open" IS NOT new."Open" OR old."ServedById" IS NOT new."ServedById" BEGIN
                  UPDATE users SET "OpenRoomCount" = "OpenRoomCount" - 1 WHERE old."Open" AND "Id" = old."ServedById";
                  UPDATE users SET "OpenRoomCount" = "OpenRoomCount" + 1 WHERE new."Open" AND "Id" = new."ServedById";
                END;
                CREATE TRIGGER rooms_open_count_delete AFTER DELETE ON rooms WHEN old."Open" AND old."ServedById" IS NOT NULL BEGIN
                  UPDATE users SET "OpenRoomCount" = "OpenRoomCount" - 1 WHERE "Id" = old."ServedById";
                END;
                UPDATE users SET "OpenRoomCount" = (SELECT count(*) FROM rooms WHERE rooms."Open" AND rooms."ServedById" = users."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER rooms_open_count_insert;
                DROP TRIGGER rooms_open_count_update;
                DROP TRIGGER rooms_open_count_delete;
                """);
            migrationBuilder.DropColumn(
                name: "OpenRoomCount",
                table: "users");
        }
    }
}
