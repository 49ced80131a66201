using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Sqlite
{
    /// <summary>
    /// A trigram full-text index over <c>room_fields.ValueLower</c>, so the "contains" filter of
    /// <c>livechat/rooms?customFields=</c> finds a rare value without reading every value of the key. It is an
    /// external-content FTS5 table on room_fields' rowid, kept in step by triggers in the writer's transaction. Not in the
    /// EF model: a later migration that rebuilds room_fields must recreate the triggers and run the 'rebuild' command.
    /// </summary>
    [DbContext(typeof(SqliteLivechatDb))]
    [Migration("20261130003000_CustomFieldSearch")]
    public partial class CustomFieldSearch : Migration
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER room_fields_trgm_insert;
                DROP TRIGGER room_fields_trgm_delete;
                DROP TRIGGER room_fields_trgm_update;
                DROP TABLE room_fields_trgm;
                """);
        }
    }
}
