using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// The real server pipeline on a real database, shared by the tests of one class. Each factory gets a database of its
/// own; tests isolate themselves by creating uniquely named data.
/// </summary>
public abstract class LivechatServerFactory : WebApplicationFactory<Program>
{
    public const string AdminUsername = "admin";
    public const string AdminPassword = "admin-test-password";

    public abstract string Provider { get; }

    protected abstract string ConnectionString { get; }

    /// <summary>This factory's database, for <see cref="PeerServerFactory"/>s (a second process, a restart).</summary>
    public string DatabaseConnectionString => ConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider);
        builder.UseSetting("ConnectionStrings:Livechat", ConnectionString);
        builder.UseSetting("ADMIN_USERNAME", AdminUsername);
        builder.UseSetting("ADMIN_PASS", AdminPassword);
        builder.UseSetting("ADMIN_EMAIL", "admin@example.com");
        // Rocket.Chat switches the limiter off in its test mode; the rate-limit tests switch it back on.
        builder.UseSetting("Settings:API_Enable_Rate_Limiter", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Diagnostics:DbRoundTripsHeader", "true");
        builder.UseSetting("Docs:Enabled", "true");   // off by default outside Development; the matrix and header tests read /docs
    }

    public ApiClient Anonymous() => new(CreateClient());

    bool _guarded;

    /// <summary>Once the server has migrated its database, the <see cref="RoomWriteGuard"/> triggers go in.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        RoomWriteGuard.InstallAsync(Provider, ConnectionString).GetAwaiter().GetResult();
        _guarded = true;
        return host;
    }

    /// <summary>For a factory whose database is gone before the end (a stopped server): nothing is left to check.</summary>
    protected void ForgoWriteCheck() => _guarded = false;

    /// <summary>The class's tests are done: every room version they committed must have its change event.</summary>
    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing && _guarded)
            {
                _guarded = false;
                var missing = RoomWriteGuard.MissingEventsAsync(Provider, ConnectionString).GetAwaiter().GetResult();
                Assert.True(missing.Count == 0,
                    $"room versions committed without a change event: {string.Join(", ", missing.Select(m => $"{m.RoomId}@{m.Version}"))}");
            }
        }
    }
}

/// <summary>A temporary SQLite file in WAL mode, as in production, deleted on dispose.</summary>
public sealed class SqliteServerFactory : LivechatServerFactory
{
    readonly string _path = Path.Combine(Path.GetTempPath(), $"livechat-test-{Guid.NewGuid():N}.db");

    public override string Provider => "Sqlite";

    protected override string ConnectionString => $"Data Source={_path}";

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_path + suffix);
            }
        }
    }
}

/// <summary>A fresh database on the shared test PostgreSQL server, dropped on dispose.</summary>
public sealed class PostgresServerFactory : LivechatServerFactory
{
    readonly string _database = $"livechat_test_{Guid.NewGuid():N}";
    readonly Lazy<string> _connection;

    public PostgresServerFactory() => _connection = new(() => PostgresServer.CreateDatabase(_database));

    public override string Provider => "Postgres";

    protected override string ConnectionString => _connection.Value;

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (_connection.IsValueCreated)
            {
                PostgresServer.DropDatabase(_database);
            }
        }
    }
}

/// <summary>
/// Another server on the database of <paramref name="owner"/>: a second process on the same PostgreSQL, or the same
/// server after a restart. The owner keeps (and finally removes) the database; the owner's own server need not run.
/// </summary>
public sealed class PeerServerFactory(LivechatServerFactory owner) : LivechatServerFactory
{
    public override string Provider => owner.Provider;

    protected override string ConnectionString => owner.DatabaseConnectionString;
}
