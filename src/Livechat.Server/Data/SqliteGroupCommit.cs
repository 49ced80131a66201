using System.Diagnostics;
using System.Threading.Channels;
using Livechat.Server.Events;
using Livechat.Server.Operations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Data;

/// <summary>
/// SQLite's group commit: one writer connection takes every write queued by <see cref="Writes.RunAsync{T}"/> since its
/// last commit and runs them in one transaction, each inside its own savepoint, so that one failing write (a version
/// conflict, a unique index) rolls back alone. Each request is answered only after its group has committed; the
/// connection runs <c>PRAGMA synchronous=FULL</c>, so a committed group has reached the disk (WAL, fsync per group).
/// <para>
/// A write runs on the request's own context: for the length of its turn the context is switched to the writer's
/// connection and transaction, then back. Writers that are not on the hot path (catalogue edits, logins) keep their
/// own transactions; they and the groups queue at <see cref="SqliteWriteGate"/>, so SQLite never sees two writers.
/// </para>
/// </summary>
public sealed partial class SqliteGroupCommit : IAsyncDisposable
{
    /// <summary>The most writes one transaction carries; a longer queue is served by the next group at once.</summary>
    const int MaxGroup = 256;

    readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    readonly string _connectionString;
    readonly SqliteWriteGate _gate;
    readonly ChangeInterceptor _changes;
    readonly ILogger<SqliteGroupCommit> _log;
    readonly Task _loop;
    SqliteConnection? _connection;
    SqliteStatementCache? _statements;

    internal SqliteGroupCommit(string connectionString, SqliteWriteGate gate, ChangeInterceptor changes, ILogger<SqliteGroupCommit> log)
    {
        _connectionString = connectionString;
        _gate = gate;
        _changes = changes;
        _log = log;
        _loop = Task.Run(LoopAsync);
    }

    internal Task<T> RunAsync<T>(LivechatDb db, Func<LivechatDb, CancellationToken, Task<T>> write, CancellationToken ct)
    {
        var job = new Job<T>(db, write, ct);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(job), this);
        return job.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _statements?.Dispose();
        if (_connection is not null) await _connection.DisposeAsync();
    }

    async Task LoopAsync()
    {
        var group = new List<Job>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var job)) group.Add(job);
            try
            {
                await CommitAsync(group);
            }
            catch (Exception e)
            {
                // The group's transaction failed as a whole (the disk, a broken connection): none of it is kept.
                GroupFailed(_log, e, group.Count);
                foreach (var job in group) Fail(job, e);   // the ones not answered yet
                await ResetConnectionAsync();
            }
            group.Clear();
        }
    }

    async Task CommitAsync(List<Job> group)
    {
        var connection = await OpenAsync();
        var started = Stopwatch.GetTimestamp();
        var written = new List<Job>(group.Count);
        var failed = new List<(Job Job, Exception Error)>();
        using (await _gate.HoldAsync(connection))
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            _statements!.Transaction = transaction;
            foreach (var job in group)
            {
                if (job.Cancellation.IsCancellationRequested)
                {
                    failed.Add((job, new OperationCanceledException(job.Cancellation)));
                    continue;
                }
                Exception? error = null;
                var own = Attach(job.Db, connection, transaction, _statements);
                try
                {
                    transaction.Save("write");
                    await job.RunAsync();
                    transaction.Release("write");
                }
                catch (Exception e)
                {
                    error = e;
                }
                finally
                {
                    Detach(job.Db, own);
                }
                if (error is null)
                {
                    written.Add(job);
                    continue;
                }
                // This write alone is undone; a failure here means the transaction itself is gone, and the loop fails the rest.
                transaction.Rollback("write");
                transaction.Release("write");
                failed.Add((job, error));
            }
            if (written.Count > 0) transaction.Commit();
            _statements.Transaction = null;
        }
        Telemetry.WriteGroupSize.Record(written.Count);
        Telemetry.WriteGroupDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        foreach (var job in written)
        {
            _changes.Committed(job.Db);
            job.Complete();
        }
        // Failed writes hear of it after the group's commit: a request that lost to another write of the same group (a
        // unique index, say) then reads that write when it looks again.
        foreach (var (job, error) in failed) Fail(job, error);
    }

    /// <summary>Ends a write that will not commit: its events are dropped and its request gets the error.</summary>
    static void Fail(Job job, Exception e)
    {
        if (job.Done) return;
        ChangeInterceptor.Reset(job.Db);
        job.Fail(e);
    }

    /// <summary>
    /// Switches <paramref name="db"/> to the writer's connection and transaction, and its prepared saves to the writer's
    /// statements (<see cref="LivechatDb.GroupWriter"/>); returns its own connection string.
    /// </summary>
    static string? Attach(LivechatDb db, SqliteConnection connection, SqliteTransaction transaction, SqliteStatementCache statements)
    {
        var own = db.Database.GetConnectionString();
        db.Database.SetDbConnection(connection, contextOwnsConnection: false);
        db.Database.UseTransaction(transaction);
        db.GroupWriter = statements;
        return own;
    }

    static void Detach(LivechatDb db, string? connectionString)
    {
        db.GroupWriter = null;
        db.Database.UseTransaction(null);
        db.Database.SetDbConnection(null, contextOwnsConnection: false);
        db.Database.SetConnectionString(connectionString);
    }

    async Task<SqliteConnection> OpenAsync()
    {
        if (_connection is not null) return _connection;
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
            await pragmas.ExecuteNonQueryAsync();
        }
        _statements = new SqliteStatementCache(connection);
        return _connection = connection;
    }

    async Task ResetConnectionAsync()
    {
        if (_connection is null) return;
        _statements?.Dispose();
        _statements = null;
        await _connection.DisposeAsync();
        _connection = null;
    }

    [LoggerMessage(LogLevel.Error, "A group of {Count} writes failed to commit; none of them was kept")]
    static partial void GroupFailed(ILogger logger, Exception error, int count);

    abstract class Job(LivechatDb db, CancellationToken cancellation)
    {
        public LivechatDb Db { get; } = db;
        public CancellationToken Cancellation { get; } = cancellation;
        /// <summary>Answered (committed or failed); only the writer's loop reads and sets it.</summary>
        public bool Done { get; protected set; }
        public abstract Task RunAsync();
        public abstract void Complete();
        public abstract void Fail(Exception e);
    }

    sealed class Job<T>(LivechatDb db, Func<LivechatDb, CancellationToken, Task<T>> write, CancellationToken cancellation) : Job(db, cancellation)
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        T? _result;

        /// <summary>The request's context (its change actor, its round-trip counter), in which its write runs.</summary>
        readonly ExecutionContext? _context = ExecutionContext.Capture();

        public override Task RunAsync()
        {
            if (_context is null) return WriteAsync();
            Task? running = null;
            ExecutionContext.Run(_context, _ => running = WriteAsync(), null);
            return running!;
        }

        async Task WriteAsync() => _result = await write(Db, CancellationToken.None);
        public override void Complete()
        {
            Done = true;
            Completion.TrySetResult(_result!);
        }

        public override void Fail(Exception e)
        {
            Done = true;
            Completion.TrySetException(e);
        }
    }
}
