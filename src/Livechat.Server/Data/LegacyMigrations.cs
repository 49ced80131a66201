using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Livechat.Server.Data;

/// <summary>
/// The migration chain that <c>Migrations/squash.sh</c> replaced by Initial + Search, kept as the SQL it ran
/// (<c>Migrations/Legacy/&lt;provider&gt;/&lt;id&gt;.sql</c>, embedded). A database that chain made is brought to the chain's
/// end with the steps it lacks, exactly as the build that had them would have run them, and then re-baselined: its
/// history rows are replaced by the new chain's, whose schema is the same. All of it in one transaction, before EF's
/// migrator looks at the history; a second process starting at the same time waits for it and then finds nothing to do.
/// </summary>
static partial class LegacyMigrations
{
    public sealed record Step(string Id, string Sql);

    /// <summary>The replaced chain of one provider, in order.</summary>
    public static IReadOnlyList<Step> Chain(bool postgres)
    {
        var prefix = postgres ? "Legacy/Postgres/" : "Legacy/Sqlite/";
        var assembly = typeof(LegacyMigrations).Assembly;
        // The resource names are the files' paths below Migrations/ (LogicalName in the project file).
        return [.. assembly.GetManifestResourceNames()
            .Select(n => (Resource: n, Path: n.Replace('\\', '/')))
            .Where(n => n.Path.StartsWith(prefix, StringComparison.Ordinal) && n.Path.EndsWith(".sql", StringComparison.Ordinal))
            .OrderBy(n => n.Path, StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n.Resource)!);
                return new Step(n.Path[prefix.Length..^".sql".Length], reader.ReadToEnd());
            })];
    }

    /// <summary>The number of replaced-chain steps it applied (0 when it re-baselined a complete chain), or null when the database needed nothing.</summary>
    public static async Task<int?> RebaseAsync(LivechatDb db, CancellationToken ct)
    {
        var history = db.GetService<IHistoryRepository>();
        var current = db.Database.GetMigrations().ToList();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // On SQLite this is BEGIN IMMEDIATE: the history is read under the write lock.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Asked here rather than IHistoryRepository.ExistsAsync, which answers true for a new PostgreSQL database.
            var exists = await ScalarAsync(db, db.IsPostgres
                ? """SELECT count(*) FROM pg_catalog.pg_class WHERE oid = to_regclass('"__EFMigrationsHistory"')"""
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'", ct);
            if (exists == 0) return null;
            if (db.IsPostgres) await ExecuteAsync(db, """LOCK TABLE "__EFMigrationsHistory" IN EXCLUSIVE MODE""", ct);
            var applied = (await history.GetAppliedMigrationsAsync(ct)).Select(r => r.MigrationId).ToList();
            if (applied.Count == 0 || applied.Any(current.Contains)) return null;
            var chain = Chain(db.IsPostgres);
            if (applied.Count > chain.Count || !applied.SequenceEqual(chain.Take(applied.Count).Select(s => s.Id)))
            {
                throw new InvalidOperationException(
                    $"The database's migration history ({applied.Count} rows, the last '{applied[^1]}') is neither this build's " +
                    $"({string.Join(", ", current)}) nor a beginning of the chain those replaced ('{(chain.Count > 0 ? chain[0].Id : "")}' … '{(chain.Count > 0 ? chain[^1].Id : "")}'). " +
                    "It was made by another build (a branch, or an earlier squash of the migrations): start that build on it, " +
                    "or restore a backup made by a release. Nothing was changed. See docs/operations.md, Upgrading.");
            }
            var missing = chain.Skip(applied.Count).ToList();
            foreach (var step in missing) await ExecuteAsync(db, step.Sql, ct);
            // The squash's own pair only: a migration added after it is the migrator's to run.
            var baseline = current.Take(2).ToList();
            if (baseline.Count != 2 || !baseline[0].EndsWith("_Initial", StringComparison.Ordinal) || !baseline[1].EndsWith("_Search", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"This build's first migrations are not the squashed Initial and Search: {string.Join(", ", baseline)}.");
            }
            var version = ProductInfo.GetVersion();
            await ExecuteAsync(db, string.Concat(chain.Select(s => history.GetDeleteScript(s.Id))) +
                string.Concat(baseline.Select(id => history.GetInsertScript(new HistoryRow(id, version)))), ct);
            await transaction.CommitAsync(ct);
            return missing.Count;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static async Task<long> ScalarAsync(LivechatDb db, string sql, CancellationToken ct)
    {
        await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    // Raw: the scripts are SQL as dotnet-ef wrote them, several statements each, so no formatting or parameters.
    static async Task ExecuteAsync(LivechatDb db, string sql, CancellationToken ct)
    {
        await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-baselined the database's migration history to the squashed migrations, after applying {Steps} missing step(s) of the chain they replaced")]
    public static partial void LogRebased(ILogger logger, int steps);
}
