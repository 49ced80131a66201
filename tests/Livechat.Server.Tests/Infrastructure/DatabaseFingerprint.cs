using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Livechat.Server.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// A hash of every row of every table but the ones named, read on a connection of its own: equal fingerprints mean
/// an unchanged database. Cheap enough to take after each of thousands of requests on a test-sized database: the rows
/// are hashed only after a write has committed (PostgreSQL hashes each table server-side in one statement; SQLite is
/// read in-process). On PostgreSQL this adds a counter table and statement triggers to the (test) database.
/// </summary>
public sealed class DatabaseFingerprint : IAsyncDisposable
{
    readonly DbConnection _connection;
    readonly DbCommand _command;
    readonly DbCommand _changeCounter;
    readonly bool _postgres;
    long _lastCounter = -1;
    string? _lastHash;

    DatabaseFingerprint(DbConnection connection, IReadOnlyList<string> tables, bool postgres)
    {
        _connection = connection;
        _postgres = postgres;
        _command = connection.CreateCommand();
        _command.CommandText = postgres
            ? string.Join(" UNION ALL ", tables.Select(t =>
                $"SELECT '{t}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{t}\" x"))
            : string.Join("; ", tables.Select(t => $"SELECT '{t}', * FROM \"{t}\""));
        // Moves whenever a write to this database commits: SQLite's own counter; on PostgreSQL a counter that
        // statement triggers on the fingerprinted tables bump (see OpenAsync).
        _changeCounter = connection.CreateCommand();
        _changeCounter.CommandText = postgres ? "SELECT n FROM fingerprint_changes" : "PRAGMA data_version";
    }

    public static async Task<DatabaseFingerprint> OpenAsync(LivechatServerFactory factory, params string[] excludedTables)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>()
            .Distinct().Except(excludedTables).Order(StringComparer.Ordinal).ToList();
        var connectionString = db.Database.GetConnectionString()!;
        DbConnection connection = db.IsPostgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync();
        if (db.IsPostgres)
        {
            await using var setup = connection.CreateCommand();
            setup.CommandText = """
                CREATE TABLE IF NOT EXISTS fingerprint_changes (n bigint NOT NULL);
                INSERT INTO fingerprint_changes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM fingerprint_changes);
                CREATE OR REPLACE FUNCTION fingerprint_bump() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN UPDATE fingerprint_changes SET n = n + 1; RETURN NULL; END $$;
                """ + string.Concat(tables.Select(t => $"""
                CREATE OR REPLACE TRIGGER "fingerprint_{t}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{t}"
                FOR EACH STATEMENT EXECUTE FUNCTION fingerprint_bump();
                """));
            await setup.ExecuteNonQueryAsync();
        }
        return new DatabaseFingerprint(connection, tables, db.IsPostgres);
    }

    /// <summary>The fingerprint; the rows are read only when the database's change counter has moved since the last one.</summary>
    public async Task<string> TakeAsync()
    {
        var counter = Convert.ToInt64(await _changeCounter.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        if (counter == _lastCounter && _lastHash is not null) return _lastHash;
        _lastCounter = counter;
        _lastHash = await HashRowsAsync();
        return _lastHash;
    }

    async Task<string> HashRowsAsync()
    {
        await using var reader = await _command.ExecuteReaderAsync();
        var text = new StringBuilder();
        do
        {
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row.Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('\u001f');
                }
                rows.Add(row.ToString());
            }
            // Row order is not part of the state.
            rows.Sort(StringComparer.Ordinal);
            foreach (var row in rows) text.Append(row).Append('\u001e');
        }
        while (await reader.NextResultAsync());
        return _postgres ? text.ToString() : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public async ValueTask DisposeAsync()
    {
        await _command.DisposeAsync();
        await _changeCounter.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
