using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Livechat.Server.Data;

/// <summary>
/// Hand-written statements of a hot write, run as plain commands on the context's connection and transaction, without
/// EF's command pipeline. On SQLite each connection keeps its commands, so a statement is parsed once per connection
/// (Microsoft.Data.Sqlite keeps a command's prepared statements between executions): the group writer's one connection
/// runs it prepared in every turn. PostgreSQL gets a new command each time and Npgsql prepares it after a few uses of
/// the same text (<c>Max Auto Prepare</c> in the connection string).
/// </summary>
public static class PreparedCommands
{
    static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Kept = [];

    /// <summary>
    /// Runs <paramref name="sql"/> (one or more statements, parameters <c>@p0</c>, <c>@p1</c>… in the order of
    /// <paramref name="values"/>, null for SQL NULL) and returns the rows its statements changed, together.
    /// The connection must be open (a write's turn or transaction).
    /// </summary>
    public static async Task<int> ExecuteAsync(LivechatDb db, string sql, object?[] values, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var kept = connection is SqliteConnection;
        var command = kept ? Of(connection, sql, values.Length) : Create(connection, sql, values.Length);
        try
        {
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            DbRoundTrips.Increment();
            return await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            if (!kept) await command.DisposeAsync();
        }
    }

    static DbCommand Of(DbConnection connection, string sql, int parameters)
    {
        var commands = Kept.GetValue(connection, _ => new Dictionary<string, DbCommand>(StringComparer.Ordinal));
        if (!commands.TryGetValue(sql, out var command)) commands[sql] = command = Create(connection, sql, parameters);
        return command;
    }

    static DbCommand Create(DbConnection connection, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
