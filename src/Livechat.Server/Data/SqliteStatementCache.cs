using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;

namespace Livechat.Server.Data;

/// <summary>
/// Runs <see cref="SaveStatements"/> on the group writer's connection, in its transaction: one
/// <see cref="SqliteCommand"/> per SQL text, prepared by SQLite once and then only rebound, synchronously (SQLite is in
/// the process; there is nothing to wait for). Failures are reported as EF Core reports them, because
/// <see cref="Writes.RetryOnConflictAsync{T}"/> and the callers catch those: an update or delete that finds no row (a
/// concurrency token that changed, a row that is gone) throws <see cref="DbUpdateConcurrencyException"/>, anything else
/// (a constraint) a <see cref="DbUpdateException"/> around the <see cref="SqliteException"/>.
/// </summary>
sealed class SqliteStatementCache(SqliteConnection connection) : IDisposable
{
    /// <summary>More distinct statements than any workload has; past it the cache starts again (it never grows unbounded).</summary>
    const int MaxCommands = 512;

    readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The transaction of the group being written.</summary>
    public SqliteTransaction? Transaction { get; set; }

    /// <summary>Runs the statements; sets the keys the database generated only once all of them succeeded.</summary>
    public int Execute(SaveStatements save)
    {
        List<(EntityEntry Entry, SaveStatements.Generated Key, object? Value)>? generated = null;
        foreach (var statement in save.Statements)
        {
            var command = CommandFor(statement.Sql);
            command.Parameters.Clear();
            command.Parameters.AddRange(statement.Parameters);
            DbRoundTrips.Count();
            try
            {
                if (statement.Generated is { } key)
                {
                    using var reader = command.ExecuteReader();
                    reader.Read();
                    var value = Convert.ChangeType(reader.GetValue(0), key.Mapping.Converter?.ProviderClrType ?? key.Mapping.ClrType,
                        CultureInfo.InvariantCulture);
                    (generated ??= []).Add((statement.Entry, key, key.Mapping.Converter is { } converter ? converter.ConvertFromProvider(value) : value));
                }
                else if (command.ExecuteNonQuery() != 1 && statement.OneRow)
                {
                    throw Conflict(statement.Entry);
                }
            }
            catch (Exception e) when (e is not (DbUpdateException or OperationCanceledException))
            {
                throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", e, [statement.Entry]);
            }
        }
        foreach (var (entry, key, value) in generated ?? []) entry.Property(key.Property).CurrentValue = value;
        return save.Entries;
    }

    /// <summary>Runs a hand-written statement (<see cref="PreparedCommands"/>): parameters <c>@p0</c>… in order, null for SQL NULL.</summary>
    public int ExecuteNonQuery(string sql, object?[] values)
    {
        var command = CommandFor(sql);
        command.Parameters.Clear();
        for (var i = 0; i < values.Length; i++) command.Parameters.AddWithValue(PreparedCommands.ParameterName(i), values[i] ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    /// <summary>EF Core's own exception for a row that was not there (its entries are only public as <see cref="IUpdateEntry"/>).</summary>
    static DbUpdateConcurrencyException Conflict(EntityEntry entry)
    {
#pragma warning disable EF1001   // the entry's IUpdateEntry, which the exception's constructor wants and EF's pipeline passes
        IUpdateEntry update = entry.GetInfrastructure();
#pragma warning restore EF1001
        return new DbUpdateConcurrencyException(
            "The database operation was expected to affect 1 row(s), but actually affected 0 row(s); data may have been modified or deleted since entities were loaded.",
            [update]);
    }

    SqliteCommand CommandFor(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count >= MaxCommands) Clear();
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Transaction = Transaction;
        return command;
    }

    void Clear()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }

    public void Dispose() => Clear();
}
