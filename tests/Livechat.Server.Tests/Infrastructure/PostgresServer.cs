using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the test run uses: the one named by <c>LIVECHAT_TEST_POSTGRES</c> (a connection string), or
/// else a private instance started from Debian's binaries (<c>/usr/lib/postgresql/*/bin</c>) in a temporary folder on
/// a free loopback port, as the <c>postgres</c> user when running as root, and removed when the test run ends.
/// </summary>
public static class PostgresServer
{
    static readonly Lazy<string> AdminConnection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string CreateDatabase(string name)
    {
        using (var connection = new NpgsqlConnection(AdminConnection.Value))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnection.Value) { Database = name, MaxPoolSize = 40 }.ToString();
    }

    public static void DropDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(AdminConnection.Value);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }

    static string Start()
    {
        if (Environment.GetEnvironmentVariable("LIVECHAT_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return given;
        }
        var (connection, stop) = StartPrivate();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop();
        return connection;
    }

    /// <summary>
    /// A private server of its own (whatever <c>LIVECHAT_TEST_POSTGRES</c> says), for a test that stops it: its admin
    /// connection string, and the action that stops it at once (<c>pg_ctl stop -m immediate</c>) and removes its folder.
    /// </summary>
    public static (string AdminConnection, Action Stop) StartPrivate()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending()
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install the postgresql package, or set LIVECHAT_TEST_POSTGRES.");
        RemoveStoppedLeftovers();
        var dir = Path.Combine(Path.GetTempPath(), $"livechat-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            Run("chown", $"postgres {dir}", asRoot: false);
        }
        var port = FreePort();
        Run(Path.Combine(bin, "initdb"), $"-D {dir}/data -U postgres --auth=trust -E UTF8 --no-sync", asRoot);
        try
        {
            Run(Path.Combine(bin, "pg_ctl"),
                $"-D {dir}/data -l {dir}/log -w -t 60 -o \"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start",
                asRoot);
        }
        catch (InvalidOperationException e) when (File.Exists($"{dir}/log"))
        {
            throw new InvalidOperationException($"{e.Message}\n{File.ReadAllText($"{dir}/log")}", e);
        }
        var stopped = 0;
        return ($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true",
            () => { if (Interlocked.Exchange(ref stopped, 1) == 0) Stop(bin, dir, asRoot); }
        );
    }

    static void Stop(string bin, string dir, bool asRoot)
    {
        try
        {
            Run(Path.Combine(bin, "pg_ctl"), $"-D {dir}/data -m immediate -w stop", asRoot);
        }
        finally
        {
            TryDelete(dir);
        }
    }

    /// <summary>Folders of earlier runs whose server is no longer running (no postmaster.pid), e.g. after a killed test host.</summary>
    static void RemoveStoppedLeftovers()
    {
        foreach (var old in Directory.GetDirectories(Path.GetTempPath(), "livechat-pg-*"))
        {
            // Old enough that no other test run can still be starting it.
            if (!File.Exists(Path.Combine(old, "data", "postmaster.pid"))
                && Directory.GetLastWriteTimeUtc(old) < DateTime.UtcNow.AddMinutes(-10))
            {
                TryDelete(old);
            }
        }
    }

    static void TryDelete(string dir)
    {
        // The server may still be removing its last files for a moment after pg_ctl returns.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    static void Run(string file, string arguments, bool asRoot)
    {
        var start = asRoot
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/tmp";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {output.Result}{error.Result}");
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
