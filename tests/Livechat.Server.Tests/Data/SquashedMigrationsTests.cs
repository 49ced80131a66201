using System.Data.Common;
using Livechat.Server.Data;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Livechat.Server.Tests.Data;

/// <summary>
/// The squashed migrations (Initial + the hand-written Search) and the start-up re-baselining of databases made by the
/// chain they replaced, whose SQL is kept in <c>Data/Migrations/Legacy/</c>. A legacy database is built here by running
/// that SQL on a raw connection, as the old build's migrator did, before the server first starts on it.
/// </summary>
public abstract class SquashedMigrationsTests<TFactory>(TFactory fresh) : IClassFixture<TFactory> where TFactory : LivechatServerFactory, new()
{
    bool Postgres => fresh.Provider == "Postgres";

    [Fact]
    public async Task FreshDatabaseHasTheSearchTriggersAndIndexes()
    {
        await fresh.AdminAsync();   // started, so migrated

        var search = await QueryAsync(fresh, Postgres
            ? """
              SELECT 'extension ' || extname FROM pg_extension WHERE extname = 'pg_trgm'
              UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE tablename = 'room_fields' AND indexdef LIKE '%USING gin%'
              """
            : """
              SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || replace(sql, char(10), ' ') FROM sqlite_master
              WHERE name LIKE 'room_fields_trgm%' AND (type = 'trigger' OR sql LIKE 'CREATE VIRTUAL TABLE%')
              """);

        Assert.Equal(Postgres
            ? [
                "extension pg_trgm",
                """index CREATE INDEX "IX_room_fields_ValueLower_trgm" ON public.room_fields USING gin ("ValueLower" gin_trgm_ops)""",
            ]
            : [
                """table room_fields_trgm ON room_fields_trgm: CREATE VIRTUAL TABLE room_fields_trgm USING fts5("ValueLower", content='room_fields', content_rowid='rowid', tokenize='trigram')""",
                """trigger room_fields_trgm_delete ON room_fields: CREATE TRIGGER room_fields_trgm_delete AFTER DELETE ON room_fields BEGIN   INSERT INTO room_fields_trgm(room_fields_trgm, rowid, "ValueLower") VALUES ('delete', old.rowid, old."ValueLower"); END""",
                """trigger room_fields_trgm_insert ON room_fields: CREATE TRIGGER room_fields_trgm_insert AFTER INSERT ON room_fields BEGIN   INSERT INTO room_fields_trgm(rowid, "ValueLower") VALUES (new.rowid, new."ValueLower"); END""",
                """trigger room_fields_trgm_update ON room_fields: CREATE TRIGGER room_fields_trgm_update AFTER UPDATE ON room_fields BEGIN   INSERT INTO room_fields_trgm(room_fields_trgm, rowid, "ValueLower") VALUES ('delete', old.rowid, old."ValueLower");   INSERT INTO room_fields_trgm(rowid, "ValueLower") VALUES (new.rowid, new."ValueLower"); END""",
            ],
            search);
        await AssertCustomFieldSearchAsync(fresh);
        Assert.Equal(Migrations(fresh), await HistoryAsync(fresh));
    }

    /// <summary>Rooms have no priority index (no query uses one), and the SLA indexes hold only the rows with an SLA.</summary>
    [Fact]
    public async Task SlaIndexesCoverOnlyRowsWithAnSlaAndPrioritiesHaveNone()
    {
        await fresh.AdminAsync();   // started, so migrated

        var indexes = await QueryAsync(fresh, Postgres
            ? """
              SELECT indexdef FROM pg_indexes WHERE indexname IN ('IX_rooms_SlaId', 'IX_inquiries_SlaId', 'IX_rooms_PriorityId') ORDER BY indexname
              """
            : """
              SELECT sql FROM sqlite_master WHERE name IN ('IX_rooms_SlaId', 'IX_inquiries_SlaId', 'IX_rooms_PriorityId') ORDER BY name
              """);

        Assert.Equal(Postgres
            ? [
                """CREATE INDEX "IX_inquiries_SlaId" ON public.inquiries USING btree ("SlaId") WHERE ("SlaId" IS NOT NULL)""",
                """CREATE INDEX "IX_rooms_SlaId" ON public.rooms USING btree ("SlaId") WHERE ("SlaId" IS NOT NULL)""",
            ]
            : [
                """CREATE INDEX "IX_inquiries_SlaId" ON "inquiries" ("SlaId") WHERE "SlaId" IS NOT NULL""",
                """CREATE INDEX "IX_rooms_SlaId" ON "rooms" ("SlaId") WHERE "SlaId" IS NOT NULL""",
            ],
            indexes);
    }

    /// <summary>
    /// A database the whole replaced chain made, or one that stopped partway (after its first migration, just before
    /// the search one, one before the end): the missing steps run, the history becomes Initial + Search, the rows are
    /// kept and the schema is that of a fresh database.
    /// </summary>
    [Theory]
    [InlineData("whole")]
    [InlineData("first")]
    [InlineData("before search")]
    [InlineData("all but the last")]
    public async Task DatabaseOfTheReplacedChainIsRebaselinedOnStart(string made)
    {
        var chain = LegacyMigrations.Chain(Postgres);
        var steps = made switch
        {
            "whole" => chain.Count,
            "first" => 1,
            "before search" => chain.ToList().FindIndex(s => s.Id.EndsWith("_CustomFieldSearch", StringComparison.Ordinal)),
            _ => chain.Count - 1,
        };
        Assert.InRange(steps, 1, chain.Count);
        using var old = new TFactory();
        var field = TestUsers.Unique("legacy");
        await ExecuteAsync(old, string.Concat(chain.Take(steps).Select(s => s.Sql)) + $"""
            INSERT INTO custom_fields ("Id", "Label", "Scope", "Visibility", "UpdatedAt")
            VALUES ('{field}', 'Legacy field', 'room', 'visible', '2026-12-01 10:00:00{(Postgres ? "+00" : "")}');
            """);
        Assert.Equal(chain.Take(steps).Select(s => s.Id), await HistoryAsync(old));

        var admin = await old.AdminAsync();

        Assert.Equal(Migrations(old), await HistoryAsync(old));
        (await admin.GetAsync($"livechat/custom-fields/{field}")).Is(200, $$"""
            {"customField":{"_id":"{{field}}","label":"Legacy field","scope":"room","visibility":"visible","_updatedAt":"2026-12-01T10:00:00.000Z"},"success":true}
            """);
        await AssertCustomFieldSearchAsync(old);
        await fresh.AdminAsync();
        var (freshSchema, oldSchema) = (await SchemaAsync(fresh), await SchemaAsync(old));
        // The only differences: the defaults with which the old chain added NOT NULL columns to existing rows, which the
        // model does not have (EF always writes those columns), such as webhook_outbox.OrderKey's. Column order differs
        // too (ALTER TABLE appends), which the dump leaves out.
        var (onlyOld, onlyFresh) = (oldSchema.Except(freshSchema).ToList(), freshSchema.Except(oldSchema).ToList());
        Assert.Contains(Postgres ? "column webhook_outbox.OrderKey bigint NO default=0" : "column webhook_outbox.OrderKey INTEGER notnull=1 pk=0 default=0", onlyOld);
        Assert.Equal(onlyOld.Select(WithoutDefault), onlyFresh.Select(WithoutDefault));
        Assert.All(onlyFresh, line => Assert.EndsWith(" default=", line, StringComparison.Ordinal));

        // A restart finds nothing to do.
        using var restarted = new PeerServerFactory(old);
        await restarted.AdminAsync();
        Assert.Equal(Migrations(old), await HistoryAsync(old));
    }

    /// <summary>
    /// Processes migrating one database at the same time (PostgreSQL's several processes; SQLite's server and its
    /// <c>migrate</c> command): one brings it forward and re-baselines it, the others wait and find nothing to do. The
    /// missing step adds a column, which a second run would refuse.
    /// </summary>
    [Fact]
    public async Task MigratorsStartingTogetherRebaselineOnce()
    {
        var chain = LegacyMigrations.Chain(Postgres);
        using var old = new TFactory();
        await ExecuteAsync(old, string.Concat(chain.Take(chain.Count - 1).Select(s => s.Sql)));

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await using LivechatDb db = Postgres
                ? new PostgresLivechatDb(new DbContextOptionsBuilder<PostgresLivechatDb>().UseNpgsql(old.DatabaseConnectionString).Options)
                : new SqliteLivechatDb(new DbContextOptionsBuilder<SqliteLivechatDb>().UseSqlite(old.DatabaseConnectionString).Options);
            await db.MigrateAsync();
        })));

        await old.AdminAsync();
        Assert.Equal(Migrations(old), await HistoryAsync(old));
        await AssertCustomFieldSearchAsync(old);
    }

    [Fact]
    public async Task UnknownMigrationHistoryIsRefusedAndLeftUntouched()
    {
        var chain = LegacyMigrations.Chain(Postgres);
        using var other = new TFactory();
        // A branch's migration on top of the replaced chain's first three: not a beginning of that chain.
        await ExecuteAsync(other, string.Concat(chain.Take(3).Select(s => s.Sql)) + """
            INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('20261201000000_Elsewhere', '10.0.15');
            """);
        var before = await SchemaAsync(other);

        var refused = Assert.ThrowsAny<Exception>(() => other.CreateClient());

        Assert.Contains("The database's migration history (4 rows, the last '20261201000000_Elsewhere') is neither this build's", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", refused.ToString(), StringComparison.Ordinal);
        Assert.Equal([.. chain.Take(3).Select(s => s.Id), "20261201000000_Elsewhere"], await HistoryAsync(other));
        Assert.Equal(before, await SchemaAsync(other));
    }

    static string WithoutDefault(string column) => column[..column.LastIndexOf(" default=", StringComparison.Ordinal)];

    static List<string> Migrations(LivechatServerFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        return [.. scope.ServiceProvider.GetRequiredService<LivechatDb>().Database.GetMigrations()];
    }

    /// <summary>A room custom field found by a piece of its value (three or more characters: SQLite's trigram index).</summary>
    static async Task AssertCustomFieldSearchAsync(LivechatServerFactory factory)
    {
        var (room, _, _, department) = await factory.CreateServedRoomAsync();
        var admin = await factory.AdminAsync();
        await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field = "order", label = "Order", scope = "room", visibility = "visible" } });
        var visitor = (await admin.GetAsync($"rooms.info?roomId={room.Str("_id")}")).Ok().Json.GetProperty("room").GetProperty("v").Str("_id");
        var value = $"Q-{Guid.NewGuid():N}";
        (await admin.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = visitor },
            roomData = new Dictionary<string, object> { ["_id"] = room.Str("_id"), ["livechatData"] = new Dictionary<string, string> { ["order"] = value } },
        })).Is(200, """{"success":true}""");

        var reply = await admin.GetAsync($"livechat/rooms?departmentId={department}&customFields=" + Uri.EscapeDataString($$"""{"order":"{{value[4..14].ToUpperInvariant()}}"}"""));

        Assert.Equal([room.Str("_id")], reply.Ok().Json.GetProperty("rooms").EnumerateArray().Select(r => r.Str("_id")));
    }

    static async Task<DbConnection> OpenAsync(LivechatServerFactory factory)
    {
        DbConnection connection = factory.Provider == "Postgres"
            ? new NpgsqlConnection(factory.DatabaseConnectionString)
            : new SqliteConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    static async Task ExecuteAsync(LivechatServerFactory factory, string sql)
    {
        await using var connection = await OpenAsync(factory);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    static async Task<List<string>> QueryAsync(LivechatServerFactory factory, string sql)
    {
        await using var connection = await OpenAsync(factory);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    static Task<List<string>> HistoryAsync(LivechatServerFactory factory) =>
        QueryAsync(factory, """SELECT "MigrationId" FROM "__EFMigrationsHistory" """);

    /// <summary>
    /// The schema as sorted lines: every column (name, type, nullability, default), index, constraint, trigger, virtual
    /// table and extension. Column order is left out: a column added by ALTER TABLE comes last.
    /// </summary>
    static Task<List<string>> SchemaAsync(LivechatServerFactory factory) => QueryAsync(factory, factory.Provider == "Postgres"
        ? """
          SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' default=' || coalesce(column_default, '')
            || CASE WHEN is_identity = 'YES' THEN ' identity ' || identity_generation ELSE '' END
          FROM information_schema.columns WHERE table_schema = 'public'
          UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
          UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
          UNION ALL SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
          UNION ALL SELECT 'extension ' || extname FROM pg_extension
          """
        : """
          SELECT 'column ' || m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p."notnull" || ' pk=' || p.pk || ' default=' || coalesce(p.dflt_value, '')
          FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'
          UNION ALL SELECT m.type || ' ' || m.name || ' ' || coalesce(m.sql, '') FROM sqlite_master m WHERE m.type <> 'table' OR m.sql LIKE 'CREATE VIRTUAL%'
          """);
}

public sealed class SquashedMigrationsSqliteTests(SqliteServerFactory factory) : SquashedMigrationsTests<SqliteServerFactory>(factory);

public sealed class SquashedMigrationsPostgresTests(PostgresServerFactory factory) : SquashedMigrationsTests<PostgresServerFactory>(factory);
