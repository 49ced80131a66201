using Livechat.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

/// <summary>
/// Tracked room reads for a read-modify-write inside a transaction: PostgreSQL locks the rows (<c>FOR UPDATE</c>) so a
/// concurrent writer waits instead of failing the version check; SQLite's write transaction is already exclusive.
/// </summary>
public static class RoomLocks
{
    /// <summary>The room as a query that locks its row on PostgreSQL (to compose with a projection).</summary>
    public static IQueryable<LivechatRoom> Locked(LivechatDb db, string id) =>
        db.IsPostgres ? db.Rooms.FromSql($"SELECT * FROM rooms WHERE \"Id\" = {id} FOR UPDATE") : db.Rooms.Where(r => r.Id == id);

    /// <summary>
    /// Locks the room's row and reads nothing, so that the caller's next statement reads the room with whatever it
    /// joins as they are now. A locking statement that had to wait sees the newest version of the row it locked, but
    /// the rows it joins as they were when it started: a room locked and joined with its visitor in one statement can
    /// come back with a visitor that the lock's previous holder has changed since, whose version check then fails
    /// again and again. SQLite's write turn is already exclusive: nothing to lock.
    /// </summary>
    public static async Task LockRowAsync(LivechatDb db, string id, CancellationToken ct)
    {
        if (db.IsPostgres) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM rooms WHERE \"Id\" = {id} FOR UPDATE", ct);
    }

    public static Task<LivechatRoom?> LockAsync(LivechatDb db, string id, CancellationToken ct) =>
        Locked(db, id).SingleOrDefaultAsync(ct);

    /// <summary>The visitor's open rooms (at most one, by the unique index), locked.</summary>
    public static Task<List<LivechatRoom>> LockOpenOfVisitorAsync(LivechatDb db, string visitorId, CancellationToken ct) =>
        db.IsPostgres
            ? db.Rooms.FromSql($"SELECT * FROM rooms WHERE \"VisitorId\" = {visitorId} AND \"Open\" FOR UPDATE").ToListAsync(ct)
            : db.Rooms.Where(r => r.VisitorId == visitorId && r.Open).ToListAsync(ct);
}
