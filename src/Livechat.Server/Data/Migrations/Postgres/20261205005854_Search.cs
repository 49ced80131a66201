using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <summary>
    /// Hand-written, not generated: everything of the schema the EF model (which PostgreSQL and SQLite share) cannot
    /// say. A trigram GIN index over <c>room_fields.ValueLower</c> (pg_trgm, a trusted extension that ships with
    /// PostgreSQL), so the "contains" filter of <c>livechat/rooms?customFields=</c> finds a rare value without reading
    /// every value of the key. squash.sh keeps this file and only renumbers it after the regenerated Initial.
    /// </summary>
    [DbContext(typeof(PostgresLivechatDb))]
    [Migration("20261205005854_Search")]
    public partial class Search : Migration
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
