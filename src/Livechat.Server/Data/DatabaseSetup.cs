using Livechat.Server.Events;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Livechat.Server.Data;

public static class DatabaseSetup
{
    public const string DefaultSqlite = "Data Source=livechat.db";

    public static bool IsPostgres(IConfiguration config) =>
        string.Equals(config["Database:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configured connection string, or SQLite's default (PostgreSQL has none: the options check stops the start without it).</summary>
    public static string ConnectionString(IConfiguration config) =>
        config.GetConnectionString("Livechat") is { Length: > 0 } given ? given : IsPostgres(config) ? "" : DefaultSqlite;

    /// <summary>
    /// "Database:Provider" = Sqlite (default) | Postgres; "ConnectionStrings:Livechat" = the connection string. The
    /// context's interceptors are this file's plumbing, then every <see cref="IInterceptor"/> in the container (the
    /// change events' <see cref="ChangeInterceptor"/>, see <c>AddChangeEvents</c> in <c>Program.cs</c>).
    /// </summary>
    public static IServiceCollection AddLivechatDb(this IServiceCollection services, IConfiguration config)
    {
        var connection = ConnectionString(config);
        services.AddSingleton<Writes>();
        if (IsPostgres(config))
        {
            var postgres = PostgresConnectionString(connection);
            return services.AddDbContextPool<LivechatDb, PostgresLivechatDb>((sp, o) => o
                .UseNpgsql(postgres)
                .ReplaceService<IComparer<Microsoft.EntityFrameworkCore.Update.IReadOnlyModificationCommand>, RowLockOrder>()
                .AddInterceptors([new DbRoundTrips.Interceptor(), .. sp.GetServices<IInterceptor>()]));
        }
        var sqlite = SqliteConnectionString(connection);
        var gate = new SqliteWriteGate();   // one per database: its writers queue here instead of polling SQLite's lock
        services.AddSingleton(sp => new SqliteGroupCommit(sqlite, gate, sp.GetRequiredService<ChangeInterceptor>(),
            sp.GetRequiredService<ILogger<SqliteGroupCommit>>()));
        return services.AddDbContextPool<LivechatDb, SqliteLivechatDb>((sp, o) => o
            .UseSqlite(sqlite)
            .AddInterceptors([new SqlitePragmas(), gate, new DbRoundTrips.Interceptor(), .. sp.GetServices<IInterceptor>()]));
    }

    /// <summary>
    /// Prepared statements by default (<c>Max Auto Prepare</c>): the hot statements are parsed and planned once per
    /// connection instead of on every request. A connection string that sets its own value keeps it.
    /// </summary>
    static string PostgresConnectionString(string connection)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        return builder.ToString();
    }

    /// <summary>A busy timeout long enough for concurrent writers to wait for each other instead of failing.</summary>
    static string SqliteConnectionString(string connection) =>
        new SqliteConnectionStringBuilder(connection) { DefaultTimeout = 30, Pooling = true }.ToString();

    /// <summary>
    /// Applies the migrations of the configured provider, switching SQLite to WAL first. A database made by the chain the
    /// migrations were squashed from is first brought to that chain's end and re-baselined (<see cref="LegacyMigrations"/>).
    /// </summary>
    public static async Task MigrateAsync(this LivechatDb db, ILogger? log = null, CancellationToken ct = default)
    {
        if (!db.IsPostgres)
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }
        if (!db.IsPostgres)
        {
            await RebaseAndMigrateAsync(db, log, ct);
            return;
        }
        // Processes migrating one PostgreSQL database at the same time take turns (a session lock on this context's
        // connection, which the migrator reuses): the later ones find nothing left to apply, instead of adding a column
        // the first one is adding too.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", ct);
            try
            {
                await RebaseAndMigrateAsync(db, log, ct);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The advisory lock key migrations take on PostgreSQL (any fixed number no other code uses).</summary>
    const long MigrationLockKey = 4_721_905_318;

    static async Task RebaseAndMigrateAsync(LivechatDb db, ILogger? log, CancellationToken ct)
    {
        if (await LegacyMigrations.RebaseAsync(db, ct) is { } steps && log is not null) LegacyMigrations.LogRebased(log, steps);
        await db.Database.MigrateAsync(ct);
    }
}

/// <summary>Design-time factories so that dotnet-ef needs no running host.</summary>
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteLivechatDb>
{
    public SqliteLivechatDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLivechatDb>().UseSqlite(DatabaseSetup.DefaultSqlite).Options);
}

public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresLivechatDb>
{
    public PostgresLivechatDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresLivechatDb>().UseNpgsql("Host=localhost;Database=livechat").Options);
}
