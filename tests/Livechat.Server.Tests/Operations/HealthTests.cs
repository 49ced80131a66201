using Livechat.Server.Tests.Infrastructure;
using Npgsql;

namespace Livechat.Server.Tests.Operations;

/// <summary><c>/health/live</c> and <c>/health/ready</c> (the framework's health checks) next to the old <c>/health</c>.</summary>
public abstract class HealthTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task LiveAndReadyAnswerHealthyWithTheirChecks()
    {
        var api = factory.Anonymous();

        var live = await api.GetAsync("/health/live");
        var ready = await api.GetAsync("/health/ready");

        live.Is(200, """{"status":"Healthy","checks":{}}""");
        ready.Is(200, """{"status":"Healthy","checks":{"database":"Healthy","outbox":"Healthy"}}""");
        Assert.Equal("application/json", ready.ContentHeaders!.ContentType!.ToString());
    }
}

public sealed class HealthSqliteTests(SqliteServerFactory factory) : HealthTests<SqliteServerFactory>(factory);

public sealed class HealthPostgresTests(PostgresServerFactory factory) : HealthTests<PostgresServerFactory>(factory);

/// <summary>A server on a PostgreSQL of its own, which the test stops (the shared test server stays up for the others).</summary>
public sealed class StoppablePostgresFactory : LivechatServerFactory
{
    readonly (string Connection, Action Stop) _postgres = PostgresServer.StartPrivate();

    public override string Provider => "Postgres";

    // A short connect timeout: a stopped server refuses at once, but the check should never hang.
    protected override string ConnectionString => new NpgsqlConnectionStringBuilder(_postgres.Connection) { Timeout = 5 }.ToString();

    public void StopDatabase()
    {
        ForgoWriteCheck();
        _postgres.Stop();
        NpgsqlConnection.ClearAllPools();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _postgres.Stop();
    }
}

public sealed class ReadinessTests(StoppablePostgresFactory factory) : IClassFixture<StoppablePostgresFactory>
{
    [Fact]
    public async Task ReadyAnswers503WhenThePostgresServerIsGoneWhileLiveStays200()
    {
        var api = factory.Anonymous();
        (await api.GetAsync("/health/ready")).Is(200, """{"status":"Healthy","checks":{"database":"Healthy","outbox":"Healthy"}}""");

        factory.StopDatabase();
        var ready = await api.GetAsync("/health/ready");
        var live = await api.GetAsync("/health/live");
        var health = await api.GetAsync("/health");

        ready.Is(503, """{"status":"Unhealthy","checks":{"database":"Unhealthy: the database does not answer","outbox":"Unhealthy: the check failed"}}""");
        live.Is(200, """{"status":"Healthy","checks":{}}""");
        Assert.Equal(503, health.Code);
    }
}
