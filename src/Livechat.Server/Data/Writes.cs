using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Data;

/// <summary>
/// The write step of a hot request. A request reads and checks with its own context and no lock, changes the
/// tracked entities, then hands the write to <see cref="RunAsync{T}"/>: a short batch that is atomic on its own.
/// <list type="bullet">
/// <item>SQLite: the write joins the next group of <see cref="SqliteGroupCommit"/>, which commits the queued writes of
/// many requests in one transaction; the call returns once that group is durable.</item>
/// <item>PostgreSQL: the write runs in its own transaction on the request's connection, with no application-level
/// gate; rows are version-checked by their concurrency tokens.</item>
/// </list>
/// A write that finds a row changed since it was read throws <see cref="DbUpdateConcurrencyException"/>, and nothing
/// of it is kept; <see cref="RetryOnConflictAsync{T}"/> runs the whole read-check-write again.
/// </summary>
public sealed class Writes(IServiceProvider services)
{
    /// <summary>How many locked attempts a contended write makes before it gives up (PostgreSQL only can need more than one).</summary>
    public const int MaxLockedAttempts = 3;

    readonly SqliteGroupCommit? _group = services.GetService<SqliteGroupCommit>();
    readonly Events.ChangeInterceptor _changes = services.GetRequiredService<Events.ChangeInterceptor>();
    long _deadlocks;

    /// <summary>
    /// How many attempts of <see cref="RetryOnConflictAsync{T}"/> PostgreSQL chose as a deadlock's victim since the
    /// start. Writes take their row locks in one order (<see cref="RowLockOrder"/>: a room before its visitor, inquiry
    /// and side tables), so this stays 0; a deadlock costs its victim <c>deadlock_timeout</c> (1 s) of waiting.
    /// </summary>
    public long Deadlocks => Interlocked.Read(ref _deadlocks);

    /// <summary>
    /// Runs <paramref name="write"/> (normally: any statements that must see the latest row, then
    /// <c>SaveChangesAsync</c>) atomically. Change events are published, and webhooks woken, after the commit. Inside
    /// a write that already holds a transaction (a locked attempt), it runs in that transaction.
    /// </summary>
    public async Task<T> RunAsync<T>(LivechatDb db, Func<LivechatDb, CancellationToken, Task<T>> write, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null) return await write(db, ct);
        if (_group is not null) return await _group.RunAsync(db, write, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await write(db, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>PostgreSQL chose this transaction as a deadlock's victim and rolled it back (EF wraps it as transient).</summary>
    bool IsDeadlock(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected })
            {
                Interlocked.Increment(ref _deadlocks);
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// <c>SaveChanges</c> as the one batch of a write's transaction, without the savepoint EF Core wraps around a save
    /// inside a transaction: that costs PostgreSQL a <c>SAVEPOINT</c> and a <c>RELEASE</c>, and the second is a round
    /// trip of its own, while the write's transaction is open and its rows locked. A write that fails is rolled back
    /// whole anyway (and retried by <see cref="RetryOnConflictAsync{T}"/>), so the savepoint bought nothing. Only for a
    /// write that lets a failed save end it: a write that catches the error and goes on needs EF Core's savepoint.
    /// </summary>
    static async Task<int> SaveBatchAsync(LivechatDb db, CancellationToken ct)
    {
        // SQLite's group writer sets a savepoint of its own around each write (and a savepoint costs it no round trip).
        if (!db.IsPostgres) return await db.SaveChangesAsync(ct);
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            return await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
        }
    }

    /// <summary>
    /// Saves the tracked changes of <paramref name="db"/> as one write (<see cref="SaveBatchAsync"/>), followed by
    /// <paramref name="then"/>'s statements (if any) in the same write. What the save implies (versions, side tables,
    /// events with their audit and outbox rows) is worked out before the write's turn, so the turn only runs the
    /// statements: once this is called, the tracked entities must not change again until the save.
    /// </summary>
    public async Task SaveAsync(LivechatDb db, CancellationToken ct, Func<LivechatDb, CancellationToken, Task>? then = null)
    {
        await _changes.PrepareAsync(db, ct);
        await RunAsync(db, async (write, c) =>
        {
            var saved = await SaveBatchAsync(write, c);
            if (then is not null) await then(write, c);
            return saved;
        }, ct);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> (read, check, change, write with <see cref="RunAsync{T}"/>) optimistically:
    /// reads and checks hold no lock. When its write meets a row changed since it was read, nothing of it is kept, and
    /// it runs again as one locked write (<c>locked: true</c>): on SQLite as one turn of the group writer, where nothing
    /// can come between its reads and its write; on PostgreSQL in a transaction in which the attempt reads the room
    /// <c>FOR UPDATE</c>. A caller never sees the race, only its outcome.
    /// </summary>
    public async Task<T> RetryOnConflictAsync<T>(LivechatDb db, Func<bool, Task<T>> attempt, CancellationToken ct)
    {
        if (_group is not null || db.Database.GetDbConnection().State != System.Data.ConnectionState.Closed)
        {
            return await RetryAsync(db, attempt, ct);
        }
        // PostgreSQL: one connection for the reads and the write. EF Core opens and closes it for each statement
        // otherwise, and every return to Npgsql's pool costs the server a reset (RESET ALL, UNLISTEN *, …) in front
        // of the next statement.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await RetryAsync(db, attempt, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    async Task<T> RetryAsync<T>(LivechatDb db, Func<bool, Task<T>> attempt, CancellationToken ct)
    {
        try
        {
            return await attempt(false);
        }
        catch (Exception e) when (IsDeadlock(e) || e is DbUpdateException)
        {
            // A version check that failed, or a side-table row (a room's tag or field) that a write of the same room
            // added meanwhile: both mean the room changed under this attempt. A deadlock should not happen (writes lock
            // rows in one order, RowLockOrder) but would mean the same, and is counted in Deadlocks.
            // A unique index that the locked attempt breaks again is a real error, and reaches the caller from there.
            db.ChangeTracker.Clear();
            Operations.Telemetry.WriteConflicts.Add(1);
        }
        for (var number = 1; ; number++)
        {
            try
            {
                return await RunAsync(db, (_, _) => attempt(true), ct);
            }
            catch (Exception e) when ((IsDeadlock(e) || e is DbUpdateConcurrencyException) && number < MaxLockedAttempts)
            {
                db.ChangeTracker.Clear();
                Operations.Telemetry.WriteConflicts.Add(1);
            }
        }
    }
}
