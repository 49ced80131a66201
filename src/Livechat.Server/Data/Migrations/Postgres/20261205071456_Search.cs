using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <summary>
    /// Hand-written, not generated: everything of the schema the EF model (which PostgreSQL and SQLite share) cannot
    /// say. A trigram GIN index over <c>room_fields.ValueLower</c> (pg_trgm, a trusted extension that ships with
    /// PostgreSQL), so the "contains" filter of <c>livechat/rooms?customFields=</c> finds a rare value without reading
    /// every value of the key. Second, each user's <c>OpenRoomCount</c> (the open rooms they serve, which routing reads),
    /// kept by triggers on rooms for every kind of write (EF saves, bulk updates and deletes, raw SQL), and counted once
    /// from the rooms there are. squash.sh keeps this file and only renumbers it after the regenerated Initial.
    /// </summary>
    [DbContext(typeof(PostgresLivechatDb))]
    [Migration("20261205071456_Search")]
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                CREATE INDEX "IX_room_fields_ValueLower_trgm" ON room_fields USING gin ("ValueLower" gin_trgm_ops);
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION rooms_open_count() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' AND OLD."Open" AND OLD."ServedById" IS NOT NULL THEN
                        UPDATE users SET "OpenRoomCount" = "OpenRoomCount" - 1 WHERE "Id" = OLD."ServedById";
                    END IF;
                    IF TG_OP <> 'DELETE' AND NEW."Open" AND NEW."ServedById" IS NOT NULL THEN
                        UPDATE users SET "OpenRoomCount" = "OpenRoomCount" + 1 WHERE "Id" = NEW."ServedById";
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER rooms_open_count_insert AFTER INSERT ON rooms FOR EACH ROW
                    WHEN (NEW."Open" AND NEW."ServedById" IS NOT NULL) EXECUTE FUNCTION rooms_open_count();
                CREATE TRIGGER rooms_open_count_update AFTER UPDATE OF "Open", "ServedById" ON rooms FOR EACH ROW
                    WHEN (OLD."Open" IS DISTINCT FROM NEW."Open" OR OLD."ServedById" IS DISTINCT FROM NEW."ServedById") EXECUTE FUNCTION rooms_open_count();
                CREATE TRIGGER rooms_open_count_delete AFTER DELETE ON rooms FOR EACH ROW
                    WHEN (OLD."Open" AND OLD."ServedById" IS NOT NULL) EXECUTE FUNCTION rooms_open_count();
                UPDATE users SET "OpenRoomCount" = (SELECT count(*) FROM rooms WHERE rooms."Open" AND rooms."ServedById" = users."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER rooms_open_count_insert ON rooms;
                DROP TRIGGER rooms_open_count_update ON rooms;
                DROP TRIGGER rooms_open_count_delete ON rooms;
                DROP FUNCTION rooms_open_count();
                """);
            migrationBuilder.Sql("""DROP INDEX "IX_room_fields_ValueLower_trgm";""");
        }
    }
}
