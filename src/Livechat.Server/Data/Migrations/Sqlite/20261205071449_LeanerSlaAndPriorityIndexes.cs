using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Livechat.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeanerSlaAndPriorityIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_rooms_PriorityId",
                table: "rooms");

            migrationBuilder.DropIndex(
                name: "IX_rooms_SlaId",
                table: "rooms");

            migrationBuilder.DropIndex(
                name: "IX_inquiries_SlaId",
                table: "inquiries");

            migrationBuilder.CreateIndex(
                name: "IX_rooms_SlaId",
                table: "rooms",
                column: "SlaId",
                filter: "\"SlaId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_inquiries_SlaId",
                table: "inquiries",
                column: "SlaId",
                filter: "\"SlaId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_rooms_SlaId",
                table: "rooms");

            migrationBuilder.DropIndex(
                name: "IX_inquiries_SlaId",
                table: "inquiries");

            migrationBuilder.CreateIndex(
                name: "IX_rooms_PriorityId",
                table: "rooms",
                column: "PriorityId");

            migrationBuilder.CreateIndex(
                name: "IX_rooms_SlaId",
                table: "rooms",
                column: "SlaId");

            migrationBuilder.CreateIndex(
                name: "IX_inquiries_SlaId",
                table: "inquiries",
                column: "SlaId");
        }
    }
}
