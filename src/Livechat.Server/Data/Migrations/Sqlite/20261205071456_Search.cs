using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Sqlite
{
    /// <summary>
    /// Hand-written, not generated: everything of the schema the EF model cannot say. A trigram full-text index over
    /// <c>room_fields.ValueLower</c>, so the "contains" filter of <c>livechat/rooms?customFields=</c> finds a rare value
    /// without reading every value of the key: an external-content FTS5 table on room_fields' rowid, kept in step by
    /// triggers in the writer's transaction. A later migration that rebuilds room_fields must recreate the triggers and
    /// run the 'rebuild' command. Second, each user's <c>OpenRoomCount</c> (the open rooms they serve, which routing
    /// reads), kept by triggers on rooms for every kind of write (EF saves, bulk updates and deletes, raw SQL), and counted
    /// once from the rooms there are. A later migration that rebuilds rooms or users must recreate those triggers too.
    /// squash.sh keeps this file and only renumbers it after the regenerated Initial.
    /// </summary>
    [DbContext(typeof(SqliteLivechatDb))]
    [Migration("20261205071456_Search")]
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE room_fields_trgm USING fts5("ValueLower", content='room_fields', content_rowid='rowid', tokenize='trigram');
                INSERT INTO room_fields_trgm(room_fields_trgm) VALUES ('rebuild');
                CREATE TRIGGER room_fields_trgm_insert AFTER INSERT ON room_fields BEGIN
                  INSERT INTO room_fields_trgm(rowid, "ValueLower") VALUES (new.rowid, new."ValueLower");
                END;
                CREATE TRIGGER room_fields_trgm_delete AFTER DELETE ON room_fields BEGIN
                  INSERT INTO room_fields_trgm(room_fields_trgm, rowid, "ValueLower") VALUES ('delete', old.rowid, old."ValueLower");
                END;
                CREATE TRIGGER room_fields_trgm_update AFTER UPDATE ON room_fields BEGIN
                  INSERT INTO room_fields_trgm(room_fields_trgm, rowid, "ValueLower") VALUES ('delete', old.rowid, old."ValueLower");
                  INSERT INTO room_fields_trgm(rowid, "ValueLower") VALUES (new.rowid, new."ValueLower");
                END;
                """);
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
            migrationBuilder.Sql("""
                DROP TRIGGER room_fields_trgm_insert;
                DROP TRIGGER room_fields_trgm_delete;
                DROP TRIGGER room_fields_trgm_update;
                DROP TABLE room_fields_trgm;
                """);
        }
    }
}
