using Livechat.Server.Data;
using Livechat.Server.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Livechat.Server.Rooms;

/// <summary>
/// The one way to change many rooms in one statement (an SLA's cascade, a visitor's status): the same <c>UPDATE</c>
/// bumps every affected room's <c>_version</c> and <c>_updatedAt</c>, and each affected room gets its change event
/// (with the tracked fields that changed, read from its row before and after), saved at once. Anything else writes a
/// room by changing the tracked entity and saving (<see cref="SaveConventions"/>).
/// </summary>
public static class RoomUpdates
{
    /// <summary>
    /// Applies <paramref name="set"/> to <paramref name="rooms"/>, records their events and saves them (with whatever
    /// else the context tracks); returns the number of rooms changed. <paramref name="alsoChanged"/> joins the events'
    /// changes, for a value the rooms mirror from elsewhere (the visitor's status). Run it in the caller's transaction
    /// when other writes belong with it.
    /// </summary>
    public static async Task<int> UpdateAsync(LivechatDb db, IQueryable<LivechatRoom> rooms, Action<UpdateSettersBuilder<LivechatRoom>> set,
        DateTime now, CancellationToken ct, IReadOnlyDictionary<string, FieldChange>? alsoChanged = null)
    {
        var before = await rooms.AsNoTracking().ToListAsync(ct);
        if (before.Count == 0) return 0;
        var ids = before.Select(r => r.Id).ToList();
        var updated = await rooms.Where(r => ids.Contains(r.Id)).ExecuteUpdateAsync(s =>
        {
            set(s);
            s.SetProperty(r => r.UpdatedAt, now).SetProperty(r => r.Version, r => r.Version + 1);
        }, ct);
        // Inside the statement's transaction the rows stay locked (PostgreSQL) or the database is (SQLite): this is the
        // version each room committed with.
        var after = await db.Rooms.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        foreach (var old in before)
        {
            if (!after.TryGetValue(old.Id, out var room) || room.Version == old.Version) continue;
            var changes = ChangeFields.OfRoom(old, room);
            foreach (var (field, change) in alsoChanged ?? FieldChange.None) changes[field] = change;
            db.RecordChange(ChangeEvents.ForRoom(ChangeEvents.ModifiedRoomType(room, changes), room, ts: room.UpdatedAt) with { Changes = changes });
        }
        await db.SaveChangesAsync(ct);
        return updated;
    }
}
