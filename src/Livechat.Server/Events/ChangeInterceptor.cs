using System.Data.Common;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Livechat.Server.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Livechat.Server.Events;

/// <summary>
/// Ties change events to the database's own unit of work. Before a save it applies the <see cref="SaveConventions"/>
/// (versions, <c>_updatedAt</c>, room side tables), captures the save's events (<see cref="ChangeCapture"/>) and adds their rows — the event itself, which is also the audit record, and a
/// <c>room.updated</c> outbox row when that webhook is on — to the same save, so they commit or roll back with the
/// change and cost no extra round trip on PostgreSQL. After the save, events are published at once when no
/// transaction is open, or when the open transaction commits; a rollback drops them. A save that queued any webhook
/// call wakes <see cref="WebhookWorker"/> at the same moment.
/// </summary>
sealed class ChangeInterceptor(ChangeFeed feed, SettingsStore settings, TimeProvider time, IServiceProvider services)
    : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not LivechatDb db) return result;
        if (!TakePrepared(db, out var statements)) await CaptureAsync(db, cancellationToken);
        else if (statements is not null && db.GroupWriter is { } writer) return InterceptionResult<int>.SuppressWithResult(Write(db, writer, statements));
        return result;
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Applies the conventions and captures the events of the tracked changes now, ahead of the <c>SaveChanges</c>
    /// that will write them (<see cref="Writes.SaveAsync"/>): the work then runs before the write's turn in SQLite's
    /// group writer, or before PostgreSQL's transaction begins, instead of inside it. Between this and that save the
    /// tracked entities must not change again; statements (<c>ExecuteSql</c>) may run. Debug builds check it.
    /// On SQLite the save is also compiled into its statements (<see cref="SaveStatements"/>), which the group writer
    /// then runs in place of EF Core's update pipeline.
    /// </summary>
    public async ValueTask PrepareAsync(LivechatDb db, CancellationToken ct)
    {
        await CaptureAsync(db, ct);
        try
        {
            db.Changes.Statements = db.IsPostgres ? null : SaveStatements.Compile(db);
        }
        catch
        {
            Failed(db);
            throw;
        }
        db.Changes.Prepared = Fingerprint(db);
    }

    /// <summary>
    /// The save of a prepared write in the group writer's turn: its statements run on the writer's connection, and EF
    /// Core's pipeline is skipped, so what it does around a save is done here: a failure ends the save as
    /// <c>SaveChangesFailed</c> would (the event rows go), a success accepts the changes. <c>SavedChanges</c> still
    /// follows (EF calls it with this result), and the events wait for the group's commit as before.
    /// </summary>
    static int Write(LivechatDb db, SqliteStatementCache writer, SaveStatements statements)
    {
        int saved;
        try
        {
            saved = writer.Execute(statements);
        }
        catch
        {
            Failed(db);
            throw;
        }
        db.ChangeTracker.AcceptAllChanges();
        return saved;
    }

    /// <summary>Whether the save about to run was prepared by <see cref="PrepareAsync"/>; the next one will not be.</summary>
    static bool TakePrepared(LivechatDb db, out SaveStatements? statements)
    {
        statements = db.Changes.Statements;
        db.Changes.Statements = null;
        if (db.Changes.Prepared is not { } prepared) return false;
        db.Changes.Prepared = null;
#if DEBUG
        db.ChangeTracker.DetectChanges();
        if (Fingerprint(db) != prepared)
        {
            Failed(db);
            throw new InvalidOperationException("A prepared write changed its tracked entities after PrepareAsync: its events would miss the change.");
        }
#endif
        return true;
    }

    /// <summary>What the tracker holds: each entry's state and how many of its properties are modified.</summary>
    static string Fingerprint(LivechatDb db) =>
#if DEBUG
        string.Join(';', db.ChangeTracker.Entries().Select(e =>
            $"{e.Metadata.ClrType.Name}:{e.State}:{(e.State == EntityState.Modified ? e.Properties.Count(p => p.IsModified) : 0)}"));
#else
        "";
#endif

    /// <summary>
    /// Detects the save's changes once, then turns the tracker's automatic detection off until the save ends: the
    /// conventions, the capture, the value limits and EF's own save then read the tracker without scanning every
    /// tracked entity again (each <c>Entries()</c> or <c>Entry()</c> would). Everything they change goes through
    /// <c>Add</c>, <c>Remove</c> or an entry's property, which the tracker records at once.
    /// </summary>
    async ValueTask CaptureAsync(LivechatDb db, CancellationToken ct)
    {
        db.ChangeTracker.DetectChanges();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await CaptureDetectedAsync(db, ct);
            IndexedValueLimit.Check(db);
        }
        catch
        {
            Failed(db);
            throw;
        }
    }

    async ValueTask CaptureDetectedAsync(LivechatDb db, CancellationToken ct)
    {
        var changes = db.Changes;
        var now = time.UtcNow();
        SaveConventions.Apply(db, now);
        var events = ChangeCapture.Capture(db, changes.TakeRecorded(), ChangeScope.CurrentActor, now);
        var wakes = SaveConventions.AddsOutbox(db);
        if (events.Count == 0 && !wakes) return;
        var saving = new SavingBatch(events) { Wakes = wakes };
        foreach (var change in events)
        {
            var record = new ChangeEventRecord
            {
                Type = change.Type, RoomId = change.RoomId, VisitorId = change.VisitorId, Ts = change.Ts, Origin = feed.Origin,
                Audited = change.Audited, Data = ChangeCapture.Serialize(change),
                Audit = change.Audited ? ChangeCapture.SerializeAudit(change) : null,
            };
            db.ChangeEvents.Add(record);
            saving.Records.Add(record);
            if (await RoomUpdatedWebhook.EnqueueAsync(db, change, settings, ct) is { } outbox) saving.Outbox.Add(outbox);
        }
        await LifecycleWebhooks.EnqueueAsync(db, events, settings, saving.Outbox, ct);
        changes.Saving = saving;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    void Saved(DbContext? context)
    {
        if (context is not LivechatDb db) return;
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        if (db.Changes.Saving is not { } saving) return;
        db.Changes.Saving = null;
        var events = saving.Events.Select((e, i) => e with { Seq = saving.Records[i].Seq }).ToList();
        if (db.Database.CurrentTransaction is null)
        {
            Publish(events, saving.Wakes || saving.Outbox.Count > 0);
        }
        else
        {
            db.Changes.Committing.AddRange(events);
            db.Changes.CommittingOutbox |= saving.Wakes || saving.Outbox.Count > 0;
        }
    }

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Failed(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Failed(eventData.Context);

    // EF Core reports a version conflict here instead of in SaveChangesFailed: the save failed all the same.
    public InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        Failed(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(ConcurrencyExceptionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>A failed save keeps its entities tracked for a retry; the rows it added for events must not linger.</summary>
    static void Failed(DbContext? context)
    {
        if (context is not LivechatDb db) return;
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        db.Changes.Prepared = null;
        db.Changes.Statements = null;
        if (db.Changes.Saving is not { } saving) return;
        db.Changes.Saving = null;
        foreach (var record in saving.Records) db.Entry(record).State = EntityState.Detached;
        foreach (var outbox in saving.Outbox) db.Entry(outbox).State = EntityState.Detached;
        // The room side-table rows of the save too: a retry adds them again.
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is RoomTag or RoomField && e.State != EntityState.Unchanged).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    void Publish(List<ChangeEvent> events, bool outbox)
    {
        if (events.Count > 0) feed.Publish(events);
        if (outbox) services.GetRequiredService<WebhookWorker>().Wake();
    }

    // A transaction's events are published when it commits and dropped when it ends any other way.
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Reset(eventData.Context);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        Reset(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Reset(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Reset(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Reset(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Reset(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>Publishes the events of a save whose transaction committed (also for a transaction EF did not start).</summary>
    internal void Committed(DbContext? context)
    {
        if (context is not LivechatDb db || (db.Changes.Committing.Count == 0 && !db.Changes.CommittingOutbox)) return;
        var events = db.Changes.Committing.ToList();
        var outbox = db.Changes.CommittingOutbox;
        Reset(db);
        Publish(events, outbox);
    }

    /// <summary>Drops the events of a transaction that will not commit.</summary>
    internal static void Reset(DbContext? context)
    {
        if (context is not LivechatDb db) return;
        db.Changes.Committing.Clear();
        db.Changes.CommittingOutbox = false;
    }
}

/// <summary>The events of one save, with the rows added for them.</summary>
sealed record SavingBatch(List<ChangeEvent> Events)
{
    public List<ChangeEventRecord> Records { get; } = [];
    public List<OutboxMessage> Outbox { get; } = [];

    /// <summary>The save adds outbox rows of its own (any webhook): the worker is woken once they are committed.</summary>
    public bool Wakes { get; init; }
}

/// <summary>Per-context state: events recorded by hand, the save in progress, and events waiting for the commit.</summary>
sealed class ChangeSet(int lease)
{
    public int Lease { get; } = lease;
    readonly List<ChangeEvent> _recorded = [];
    public SavingBatch? Saving { get; set; }

    /// <summary>Set by <see cref="ChangeInterceptor.PrepareAsync"/> (the tracker's fingerprint then) until the save it prepared.</summary>
    public string? Prepared { get; set; }

    /// <summary>The prepared save's statements (SQLite), or null for EF Core's pipeline.</summary>
    public SaveStatements? Statements { get; set; }
    public List<ChangeEvent> Committing { get; } = [];
    public bool CommittingOutbox { get; set; }

    public void Record(ChangeEvent change) => _recorded.Add(change);

    public List<ChangeEvent> TakeRecorded()
    {
        var taken = _recorded.ToList();
        _recorded.Clear();
        return taken;
    }
}
