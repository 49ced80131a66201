using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// A database of its own for tests that run real server processes: a temporary SQLite file, or a database on the
/// test PostgreSQL server. Removed on dispose.
/// </summary>
public sealed class ServerDatabase : IDisposable
{
    readonly string? _sqlitePath;
    readonly string? _postgresName;

    ServerDatabase(string provider, string connectionString, string? sqlitePath, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqlitePath = sqlitePath;
        _postgresName = postgresName;
    }

    public string Provider { get; }
    public string ConnectionString { get; }

    public static ServerDatabase Create(string provider)
    {
        if (provider == "Postgres")
        {
            var name = $"livechat_proc_{Guid.NewGuid():N}";
            return new ServerDatabase(provider, PostgresServer.CreateDatabase(name), null, name);
        }
        var path = Path.Combine(Path.GetTempPath(), $"livechat-proc-{Guid.NewGuid():N}.db");
        return new ServerDatabase(provider, $"Data Source={path}", path, null);
    }

    /// <summary>One value read straight from the database (for state no endpoint shows, such as the webhook outbox).</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using DbConnection connection = _postgresName is null ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Rows as text, one line each (for failure messages).</summary>
    public async Task<string> DumpAsync(string sql)
    {
        await using DbConnection connection = _postgresName is null ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }
        return string.Join('\n', lines);
    }

    public void Dispose()
    {
        if (_postgresName is not null)
        {
            PostgresServer.DropDatabase(_postgresName);
            return;
        }
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_sqlitePath + suffix);
        }
    }
}

/// <summary>
/// The published server as an operating-system process (<c>dotnet Livechat.Server.dll --urls …</c>, started from the
/// test output folder), for what needs a real process: SIGKILL, restarts, several processes on one database. Its
/// console output is kept for inspection.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _output;
    bool _disposed;

    ServerProcess(Process process, ConcurrentQueue<string> output, int port)
    {
        _process = process;
        _output = output;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>A client of this process; <see cref="ApiClient"/> wraps it for logged-in calls.</summary>
    public HttpClient Http { get; }

    public string Output => string.Join('\n', _output);

    public ApiClient Api() => new(new HttpClient { BaseAddress = Http.BaseAddress, Timeout = Http.Timeout });

    public static async Task<ServerProcess> StartAsync(ServerDatabase database, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var start = Dotnet("--urls", $"http://127.0.0.1:{port}");
        var env = start.Environment;
        env["Database__Provider"] = database.Provider;
        env["ConnectionStrings__Livechat"] = database.ConnectionString;
        env["ADMIN_USERNAME"] = LivechatServerFactory.AdminUsername;
        env["ADMIN_PASS"] = LivechatServerFactory.AdminPassword;
        env["ADMIN_EMAIL"] = "admin@example.com";
        env["Settings__API_Enable_Rate_Limiter"] = "false";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, output, port);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary><c>dotnet Livechat.Server.dll &lt;arguments&gt;</c> from the temporary folder, its output captured.</summary>
    static ProcessStartInfo Dotnet(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Livechat.Server.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    public sealed record CommandResult(int ExitCode, string Output, string Errors);

    /// <summary>
    /// <c>dotnet Livechat.Server.dll &lt;arguments&gt;</c> run to its end (at most 2 minutes) with the configuration
    /// <see cref="StartAsync"/> gives a server (on <paramref name="database"/> when given), and what it wrote.
    /// </summary>
    public static async Task<CommandResult> RunAsync(ServerDatabase? database, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = Dotnet(arguments);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ADMIN_USERNAME"] = LivechatServerFactory.AdminUsername;
        start.Environment["ADMIN_PASS"] = LivechatServerFactory.AdminPassword;
        if (database is not null)
        {
            start.Environment["Database__Provider"] = database.Provider;
            start.Environment["ConnectionStrings__Livechat"] = database.ConnectionString;
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet Livechat.Server.dll {string.Join(' ', arguments)} ran for more than 2 minutes");
        }
        return new CommandResult(process.ExitCode, await output, await errors);
    }

    /// <summary><c>GET /api/info</c> answers once migrations and seeding are done.</summary>
    async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await Http.GetAsync("/api/info");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The server did not answer /api/info within 90 s:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs, in-flight requests die with the process.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Http.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Lines of the output that contain any of <paramref name="secrets"/>, each secret masked but its first characters.</summary>
    public static IEnumerable<string> LinesContaining(string output, IEnumerable<string> secrets)
    {
        var set = secrets.Where(s => s.Length >= 8).Distinct().ToList();
        foreach (var line in output.Split('\n'))
        {
            foreach (var secret in set.Where(s => line.Contains(s, StringComparison.Ordinal)))
            {
                yield return new StringBuilder(line).Replace(secret, secret[..4] + "…").ToString();
            }
        }
    }
}
