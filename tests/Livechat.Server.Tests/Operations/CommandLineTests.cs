using System.Collections.Concurrent;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Livechat.Server.Tests.Operations;

/// <summary>
/// The command line through real processes (<c>dotnet Livechat.Server.dll …</c>): help and bad values, configuration
/// checked at start, <c>migrate</c>, <c>seed</c>, <c>admin reset-password</c> and <c>backup</c> on both databases, and
/// an online SQLite backup taken under write load.
/// </summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task HelpAndBadValuesAreAnsweredWithoutAHost()
    {
        var help = await ServerProcess.RunAsync(null, null, "--help");
        var seedHelp = await ServerProcess.RunAsync(null, null, "seed", "--help");
        var resetHelp = await ServerProcess.RunAsync(null, null, "admin", "reset-password", "--help");
        var notANumber = await ServerProcess.RunAsync(null, null, "seed", "--rooms", "many");
        var zero = await ServerProcess.RunAsync(null, null, "seed", "--rooms", "0");
        var noFile = await ServerProcess.RunAsync(null, null, "backup");

        Assert.Equal(0, help.ExitCode);
        Assert.All(new[] { "seed", "migrate", "admin", "backup <file>", "--help" }, c => Assert.Contains(c, help.Output, StringComparison.Ordinal));
        Assert.Equal(0, seedHelp.ExitCode);
        Assert.Contains("--rooms <rooms>", seedHelp.Output, StringComparison.Ordinal);
        Assert.Contains("[default: 10000]", seedHelp.Output, StringComparison.Ordinal);
        Assert.Equal(0, resetHelp.ExitCode);
        Assert.Contains("<user>", resetHelp.Output, StringComparison.Ordinal);
        Assert.Contains("--password", resetHelp.Output, StringComparison.Ordinal);
        Assert.Equal(1, notANumber.ExitCode);
        Assert.Contains("Cannot parse argument 'many' for option '--rooms' as expected type 'System.Int32'.", notANumber.Errors, StringComparison.Ordinal);
        Assert.Equal(1, zero.ExitCode);
        Assert.Contains("--rooms must be between 1 and 100000000.", zero.Errors, StringComparison.Ordinal);
        Assert.Equal(1, noFile.ExitCode);
        Assert.Contains("Required argument missing for command: 'backup'.", noFile.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongSettingStopsTheServerWithOneLineNamingTheKey()
    {
        var provider = await ServerProcess.RunAsync(null, new Dictionary<string, string> { ["Database__Provider"] = "Postgress" }, "--urls", "http://127.0.0.1:0");
        var connection = await ServerProcess.RunAsync(null, new Dictionary<string, string> { ["Database__Provider"] = "Postgres" }, "--urls", "http://127.0.0.1:0");
        var limit = await ServerProcess.RunAsync(null, new Dictionary<string, string> { ["Limits__MaxRequestBodyBytes"] = "-1" }, "--urls", "http://127.0.0.1:0");
        var proxy = await ServerProcess.RunAsync(null, new Dictionary<string, string> { ["ForwardedHeaders__KnownProxies__0"] = "10.0.0.300" }, "--urls", "http://127.0.0.1:0");

        Assert.Equal((1, "Configuration error: Database:Provider is 'Postgress': it must be Sqlite or Postgres"), (provider.ExitCode, provider.Errors.Trim()));
        Assert.Equal((1, "Configuration error: ConnectionStrings:Livechat is missing: Database:Provider Postgres needs it (e.g. Host=db;Database=livechat;Username=livechat;Password=…)"),
            (connection.ExitCode, connection.Errors.Trim()));
        Assert.Equal((1, "Configuration error: Limits:MaxRequestBodyBytes must be a positive number of bytes"), (limit.ExitCode, limit.Errors.Trim()));
        Assert.Equal((1, "Configuration error: ForwardedHeaders:KnownProxies: \"10.0.0.300\" is not a valid value"), (proxy.ExitCode, proxy.Errors.Trim()));
        Assert.All(new[] { provider, connection, limit, proxy }, r => Assert.Equal("", r.Output.Trim()));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task MigrateSeedAndResetPasswordOnAFreshDatabase(string provider)
    {
        using var database = ServerDatabase.Create(provider);

        var migrate = await ServerProcess.RunAsync(database, null, "migrate");
        var seed = await ServerProcess.RunAsync(database, null, "seed", "--rooms", "30");
        var again = await ServerProcess.RunAsync(database, null, "seed", "--rooms", "30");
        var reset = await ServerProcess.RunAsync(database, null, "admin", "reset-password", "agent-1", "--password", "new-pass-1");
        var unknown = await ServerProcess.RunAsync(database, null, "admin", "reset-password", "nobody-here");
        var generated = await ServerProcess.RunAsync(database, null, "admin", "reset-password", "AGENT-2");

        Assert.Equal(0, migrate.ExitCode);
        Assert.Contains("The database is migrated (", migrate.Output, StringComparison.Ordinal);
        Assert.Equal(0, seed.ExitCode);
        Assert.Contains("Seeded 30 rooms, 5 agents, 10 departments", seed.Output, StringComparison.Ordinal);
        Assert.Equal((1, "The database already holds rooms; seed only a fresh database."), (again.ExitCode, again.Errors.Trim()));
        Assert.Equal(0, reset.ExitCode);
        Assert.Contains("The password of 'agent-1' is changed.", reset.Output, StringComparison.Ordinal);
        Assert.Equal((1, "No user 'nobody-here'."), (unknown.ExitCode, unknown.Errors.Trim()));
        Assert.Equal(0, generated.ExitCode);
        const string Printed = "The password of 'agent-2' is now: ";
        var password = generated.Output.Split('\n').Single(l => l.StartsWith(Printed, StringComparison.Ordinal))[Printed.Length..].Trim();
        await using var server = await ServerProcess.StartAsync(database);
        Assert.Equal(200, (await server.Api().PostAsync("login", new { user = "agent-1", password = "new-pass-1" })).Code);
        Assert.Equal(401, (await server.Api().PostAsync("login", new { user = "agent-1", password = "agent-pass" })).Code);
        Assert.Equal(200, (await server.Api().PostAsync("login", new { user = "agent-2", password })).Code);
        if (provider == "Postgres")
        {
            var backup = await ServerProcess.RunAsync(database, null, "backup", Path.Combine(Path.GetTempPath(), "never-written.dump"));
            Assert.Equal(2, backup.ExitCode);
            Assert.Contains("pg_dump --format=custom --file=", backup.Errors, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASqliteBackupUnderWriteLoadRestoresEveryWriteAnsweredBeforeItBegan()
    {
        using var database = ServerDatabase.Create("Sqlite");
        using var restored = ServerDatabase.Create("Sqlite");
        var file = Path.Combine(Path.GetTempPath(), $"livechat-backup-{Guid.NewGuid():N}.db");
        List<string> answeredBefore;
        ServerProcess.CommandResult backup;
        var answered = new ConcurrentQueue<string>();
        await using (var server = await ServerProcess.StartAsync(database))
        {
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var api = server.Api();
                while (!stop.IsCancellationRequested)
                {
                    var token = TestUsers.Unique("backup");
                    var reply = await api.PostAsync("livechat/visitor", new { visitor = new { token, name = "Backup" } });
                    Assert.Equal(200, reply.Code);
                    answered.Enqueue(token);
                }
            })).ToList();
            while (answered.Count < 100) await Task.Delay(20);

            answeredBefore = [.. answered];
            backup = await ServerProcess.RunAsync(database, null, "backup", file);
            var answeredDuring = answered.Count - answeredBefore.Count;
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            Assert.True(answeredDuring > 0, "no write was answered while the backup ran");
        }

        Assert.Equal(0, backup.ExitCode);
        Assert.Contains($"to {file} (", backup.Output, StringComparison.Ordinal);
        var restoredPath = new SqliteConnectionStringBuilder(restored.ConnectionString).DataSource;
        File.Move(file, restoredPath);
        await using (var connection = new SqliteConnection($"Data Source={restoredPath};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", await check.ExecuteScalarAsync());
            await using var tokens = connection.CreateCommand();
            tokens.CommandText = "SELECT Token FROM visitors";
            var stored = new HashSet<string>();
            await using var reader = await tokens.ExecuteReaderAsync();
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
            Assert.DoesNotContain(answeredBefore, t => !stored.Contains(t));
        }
        await using var onTheCopy = await ServerProcess.StartAsync(restored);
        (await onTheCopy.Api().GetAsync("/health/ready")).Is(200, """{"status":"Healthy","checks":{"database":"Healthy","outbox":"Healthy"}}""");
        (await onTheCopy.Api().GetAsync($"livechat/visitor/{answeredBefore[^1]}")).Ok();
    }
}
