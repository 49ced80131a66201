using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Livechat.Server.Operations;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Livechat.Server.Data;

/// <summary>
/// SQLite allows one writer at a time. Left to SQLite, concurrent writers poll the lock with sleeps of up to 100 ms
/// (its busy handler), which wastes most of a busy server's time. This gate queues this process's writers instead:
/// a write transaction, or a write statement outside one, waits for the gate without sleeping and holds it until it
/// commits, rolls back or its connection closes. A wait longer than <see cref="MaxWait"/> proceeds anyway and leaves the
/// rest to SQLite's own locking, so the gate can slow a request but never deadlock it.
/// </summary>
sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor, IDisposable
{
    static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly ConcurrentDictionary<DbConnection, bool> _holders = new();
    readonly ConcurrentDictionary<DbTransaction, DbConnection> _transactions = new();

    public void Dispose() => _gate.Dispose();

    /// <summary>Holds the gate for a writer that works outside EF's transactions (<see cref="SqliteGroupCommit"/>) until disposed.</summary>
    public async Task<IDisposable> HoldAsync(DbConnection connection)
    {
        await EnterAsync(connection, CancellationToken.None);
        return new Hold(this, connection);
    }

    sealed class Hold(SqliteWriteGate gate, DbConnection connection) : IDisposable
    {
        public void Dispose() => gate.Leave(connection);
    }

    async Task EnterAsync(DbConnection connection, CancellationToken ct)
    {
        if (_holders.ContainsKey(connection)) return;
        var started = Stopwatch.GetTimestamp();
        if (await _gate.WaitAsync(MaxWait, ct)) _holders[connection] = true;
        Telemetry.WriteLockWait.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    void Enter(DbConnection connection)
    {
        if (_holders.ContainsKey(connection)) return;
        var started = Stopwatch.GetTimestamp();
        if (_gate.Wait(MaxWait)) _holders[connection] = true;
        Telemetry.WriteLockWait.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    void Leave(DbConnection? connection)
    {
        if (connection is not null && _holders.TryRemove(connection, out _)) _gate.Release();
    }

    // A finished transaction no longer knows its connection, so remember it when the transaction starts.
    void Leave(DbTransaction transaction)
    {
        if (_transactions.TryRemove(transaction, out var connection)) Leave(connection);
    }

    static bool IsAutocommitWrite(DbCommand command)
    {
        if (command.Transaction is not null) return false;
        var sql = command.CommandText.AsSpan().TrimStart();
        return sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || sql.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
    }

    // Transactions hold the gate from begin to commit, rollback or failure.
    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(connection);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, cancellationToken);
        return result;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        _transactions[result] = connection;
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        _transactions[result] = connection;
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Leave(transaction);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback ends when EF closes its connection.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => LeaveClosed(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        LeaveClosed(connection);
        return Task.CompletedTask;
    }

    void LeaveClosed(DbConnection connection)
    {
        foreach (var (transaction, owner) in _transactions)
        {
            if (owner == connection) _transactions.TryRemove(transaction, out _);
        }
        Leave(connection);
    }

    // A single write statement outside a transaction holds the gate while it runs.
    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (IsAutocommitWrite(command)) Enter(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (IsAutocommitWrite(command)) await EnterAsync(command.Connection!, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (IsAutocommitWrite(command)) Enter(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (IsAutocommitWrite(command)) await EnterAsync(command.Connection!, cancellationToken);
        return result;
    }

    // A write with RETURNING holds SQLite's lock until its reader is done.
    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (command.Transaction is null) Leave(command.Connection);
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        if (command.Transaction is null) Leave(command.Connection);
    }

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return Task.CompletedTask;
    }
}
