using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Livechat.Server.Data;

/// <summary>
/// Hand-written statements of a hot write, run as plain commands on the context's connection and transaction, without
/// EF's command pipeline. In SQLite's group writer they run on the writer's kept commands
/// (<see cref="SqliteStatementCache"/>, the same that run prepared saves), so a statement is parsed once and then only
/// rebound. Elsewhere (PostgreSQL, a SQLite transaction of its own) each call makes its command; Npgsql prepares a
/// text it has seen a few times (<c>Max Auto Prepare</c> in the connection string).
/// </summary>
public static class PreparedCommands
{
    /// <summary>
    /// Runs <paramref name="sql"/> (one or more statements, parameters <c>@p0</c>, <c>@p1</c>… in the order of
    /// <paramref name="values"/>, null for SQL NULL) and returns the rows its statements changed, together.
    /// The connection must be open (a write's turn or transaction).
    /// </summary>
    public static async Task<int> ExecuteAsync(LivechatDb db, string sql, object?[] values, CancellationToken ct)
    {
        DbRoundTrips.Count();
        if (db.GroupWriter is { } writer) return writer.ExecuteNonQuery(sql, values);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = ParameterName(i);
            parameter.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return await command.ExecuteNonQueryAsync(ct);
    }

    internal static string ParameterName(int number) => "p" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
