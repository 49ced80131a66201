using Livechat.Server.Auth;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Livechat.Server.Operations;

/// <summary>What the <see cref="Commands"/> do to the database: report migrations, reset a password, back up.</summary>
public static class DatabaseMaintenance
{
    public static async Task<string> LatestMigrationAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        return (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault() ?? "no migrations";
    }

    /// <summary>
    /// The user's new password (given, or random and printed once); their login tokens are removed, so every session
    /// logs in again (other server processes notice within their 2-second token cache).
    /// </summary>
    public static async Task<int> ResetPasswordAsync(IServiceProvider services, string username, string? password, CancellationToken ct)
    {
        if (password is { Length: 0 })
        {
            await Console.Error.WriteLineAsync("--password must not be empty.");
            return 1;
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var key = username.ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UsernameKey == key || u.Id == username, ct);
        if (user is null)
        {
            await Console.Error.WriteLineAsync($"No user '{username}'.");
            return 1;
        }
        var generated = password is null;
        password ??= Ids.NewSecret()[..20];
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.PasswordHash = Passwords.Hash(user, password);
        user.UpdatedAt = scope.ServiceProvider.GetRequiredService<TimeProvider>().UtcNow();
        await db.SaveChangesAsync(ct);
        var ended = await db.LoginTokens.Where(t => t.UserId == user.Id && t.Type == null).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        // Printed to the console only (never through the logger), as the first start's admin password is.
        Console.WriteLine(generated
            ? $"The password of '{user.Username}' is now: {password}"
            : $"The password of '{user.Username}' is changed.");
        Console.WriteLine($"Ended {ended} login sessions.");
        return 0;
    }

    /// <summary>
    /// SQLite: <c>VACUUM INTO</c> writes a consistent snapshot (one read transaction) of the live database to
    /// <paramref name="file"/> while writers go on. PostgreSQL: prints the <c>pg_dump</c> command and answers 2.
    /// </summary>
    public static async Task<int> BackupAsync(IConfiguration config, FileInfo file, CancellationToken ct)
    {
        if (DatabaseSetup.IsPostgres(config))
        {
            var database = new NpgsqlConnectionStringBuilder(DatabaseSetup.ConnectionString(config)) { Password = null };
            await Console.Error.WriteLineAsync(
                "backup copies SQLite databases only. For PostgreSQL use pg_dump, which takes a consistent snapshot while the server runs:\n"
                + $"  pg_dump --format=custom --file={file.FullName} \"host={database.Host} port={database.Port} dbname={database.Database} user={database.Username}\"\n"
                + "and restore into an empty database with pg_restore --dbname=… (see docs/operations.md).");
            return 2;
        }
        if (file.Exists)
        {
            await Console.Error.WriteLineAsync($"{file.FullName} already exists; backup writes a new file only.");
            return 1;
        }
        // ReadWrite without Create: a mistyped database path fails instead of backing up a new empty database.
        var source = new SqliteConnectionStringBuilder(DatabaseSetup.ConnectionString(config)) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        await using var connection = new SqliteConnection(source.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $file";
        command.Parameters.AddWithValue("$file", file.FullName);
        await command.ExecuteNonQueryAsync(ct);
        Console.WriteLine($"Backed up {source.DataSource} to {file.FullName} ({new FileInfo(file.FullName).Length} bytes).");
        return 0;
    }
}
