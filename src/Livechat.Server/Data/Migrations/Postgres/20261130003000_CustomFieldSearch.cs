using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <summary>
    /// A trigram GIN index over <c>room_fields.ValueLower</c> (pg_trgm, a trusted extension that ships with PostgreSQL),
    /// so the "contains" filter of <c>livechat/rooms?customFields=</c> finds a rare value without reading every value of
    /// the key. Not in the EF model, which PostgreSQL and SQLite share.
    /// </summary>
    [DbContext(typeof(PostgresLivechatDb))]
    [Migration("20261130003000_CustomFieldSearch")]
    public partial class CustomFieldSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                CREATE INDEX "IX_room_fields_ValueLower_trgm" ON room_fields USING gin ("ValueLower" gin_trgm_ops);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_room_fields_ValueLower_trgm";""");
        }
    }
}
