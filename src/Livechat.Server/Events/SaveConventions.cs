using Livechat.Server.Data;
using Livechat.Server.Rooms;
using Livechat.Server.Visitors;
using Livechat.Server.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Events;

/// <summary>
/// What every save implies, applied by <see cref="ChangeInterceptor"/> before the change events are captured: a
/// modified <see cref="IVersioned"/> entity (room, visitor) gets its version bumped and <c>_updatedAt</c> set, a webhook
/// call queued with a room takes its place after the room's new version, and a room's tag and field side tables follow
/// its <c>tags</c> and <c>livechatData</c>. Writers change the entity and save.
/// </summary>
static class SaveConventions
{
    public static void Apply(LivechatDb db, DateTime now)
    {
        // A visitor edit saved with the visitor's tracked room joins the room's event, so it moves the room's version
        // too: If-Match covers the whole room-info form.
        var edited = db.ChangeTracker.Entries<Visitor>()
            .Where(e => e.State == EntityState.Modified && ChangeFields.OfVisitor(e).Count > 0).Select(e => e.Entity.Id).ToHashSet();
        foreach (var entry in db.ChangeTracker.Entries<IVersioned>().ToList())
        {
            var joined = entry.State == EntityState.Unchanged && entry.Entity is LivechatRoom room && edited.Contains(room.VisitorId);
            if (!joined && (entry.State != EntityState.Modified || !entry.Properties.Any(p => p.IsModified && !IsBookkeeping(p.Metadata.Name))))
            {
                continue;
            }
            // A writer that set them itself (a chosen time) keeps its values.
            var version = entry.Property(nameof(IVersioned.Version));
            if (!version.IsModified) version.CurrentValue = (int)version.OriginalValue! + 1;
            var updatedAt = entry.Property(nameof(IVersioned.UpdatedAt));
            if (!updatedAt.IsModified) updatedAt.CurrentValue = now;
        }
        // A webhook call queued with its room's change follows the version that change commits (its place among the
        // room's calls, LivechatEdit before the same version's room.updated).
        foreach (var outbox in db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added))
        {
            if (outbox.Entity.RoomId is { } roomId && db.ChangeTracker.Entries<LivechatRoom>().FirstOrDefault(r => r.Entity.Id == roomId) is { } room)
            {
                outbox.Property(m => m.OrderKey).CurrentValue = OutboxMessage.Order(room.Entity.Version, OutboxMessage.EditSlot);
            }
        }
        foreach (var entry in db.ChangeTracker.Entries<LivechatRoom>().ToList())
        {
            if (entry.State == EntityState.Added
                || (entry.State == EntityState.Modified && (entry.Property(r => r.Tags).IsModified || entry.Property(r => r.LivechatData).IsModified)))
            {
                RoomIndex.Sync(db, entry.Entity);
            }
        }
    }

    static bool IsBookkeeping(string property) => property is nameof(IVersioned.Version) or nameof(IVersioned.UpdatedAt);

    /// <summary>Whether the save queues a webhook call, so the worker is woken after the commit instead of at its next poll.</summary>
    public static bool AddsOutbox(LivechatDb db) => db.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);
}
