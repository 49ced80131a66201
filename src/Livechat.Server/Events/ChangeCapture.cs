using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Messages;
using Livechat.Server.Rooms;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Livechat.Server.Events;

/// <summary>
/// Builds the <see cref="ChangeEvent"/>s of one <c>SaveChanges</c> from what the change tracker holds, so that every
/// write path produces them without code of its own: a room added, modified (its tracked fields compared with their
/// original values) or deleted; a message added or edited; an inquiry queued, taken or deleted; a visitor edited.
/// Visitor changes saved together with a change of that visitor's room join the room's event. Bulk room updates
/// record theirs through <see cref="RoomUpdates"/>; other writes that bypass the tracker (<c>ExecuteDelete</c>) add
/// theirs with <see cref="LivechatDb.RecordChange"/>.
/// </summary>
static class ChangeCapture
{
    public static List<ChangeEvent> Capture(LivechatDb db, IEnumerable<ChangeEvent> recorded, ChangeActor actor, DateTime now)
    {
        var entries = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        var events = new List<ChangeEvent>();
        if (entries.Count == 0 && !recorded.Any()) return events;
        actor = ActorOf(actor, entries);

        var visitors = new Dictionary<string, (Visitor Visitor, Dictionary<string, FieldChange> Changes)>();
        foreach (var entry in entries.Where(e => e.Entity is Visitor && e.State == EntityState.Modified))
        {
            var visitor = (Visitor)entry.Entity;
            visitors[visitor.Id] = (visitor, ChangeFields.OfVisitor(entry));
        }
        var roomsWithMessages = entries.Where(e => e.Entity is Message).Select(e => ((Message)e.Entity).Rid).ToHashSet();
        var rooms = new Dictionary<string, LivechatRoom>();

        foreach (var entry in entries.Where(e => e.Entity is LivechatRoom))
        {
            var room = (LivechatRoom)entry.Entity;
            rooms[room.Id] = room;
            var changes = ChangeFields.OfRoom(entry);
            Visitor? visitor = null;
            if (visitors.Remove(room.VisitorId, out var visitorChange) && visitorChange.Changes.Count > 0)
            {
                visitor = visitorChange.Visitor;
                foreach (var (field, change) in visitorChange.Changes) changes[field] = change;
            }
            var type = entry.State switch
            {
                EntityState.Added => ChangeTypes.RoomOpened,
                EntityState.Deleted => ChangeTypes.RoomRemoved,
                _ => ChangeEvents.ModifiedRoomType(room, changes),
            };
            // A message's own event carries the room's new counters; no second event for bookkeeping alone.
            if (type == ChangeTypes.RoomUpdated && changes.Count == 0 && roomsWithMessages.Contains(room.Id)) continue;
            events.Add(ChangeEvents.ForRoom(type, room, actor, room.UpdatedAt) with
            {
                Changes = changes,
                Visitor = visitor is null ? null : ChangeEvents.Document(VisitorView.From(visitor)),
            });
        }

        events.AddRange(recorded.Select(e => e with { Actor = actor, Ts = e.Ts == default ? now : e.Ts }));

        foreach (var entry in entries.Where(e => e.Entity is Inquiry))
        {
            var inquiry = (Inquiry)entry.Entity;
            var type = entry.State switch
            {
                EntityState.Added when inquiry.Status == "queued" => ChangeTypes.InquiryQueued,
                EntityState.Modified when inquiry.Status == "taken" && (string?)entry.Property(nameof(Inquiry.Status)).OriginalValue == "queued"
                    => ChangeTypes.InquiryTaken,
                // Back in a queue (returned, or forwarded to a department with nobody free): its agents are told again.
                EntityState.Modified when inquiry.Status == "queued" && ((string?)entry.Property(nameof(Inquiry.Status)).OriginalValue != "queued"
                    || entry.Property(nameof(Inquiry.Department)).IsModified)
                    => ChangeTypes.InquiryQueued,
                EntityState.Deleted => ChangeTypes.InquiryRemoved,
                // Other inquiry edits mirror the room's, whose event already tells.
                _ => null,
            };
            if (type is not null) events.Add(ChangeEvents.ForInquiry(type, inquiry, actor, now));
        }

        foreach (var (_, (visitor, changes)) in visitors)
        {
            if (changes.Count == 0) continue;
            events.Add(new ChangeEvent
            {
                Type = ChangeTypes.VisitorUpdated, Ts = visitor.UpdatedAt, Actor = actor, VisitorId = visitor.Id,
                DepartmentId = visitor.Department, Changes = changes, Visitor = ChangeEvents.Document(VisitorView.From(visitor)),
            });
        }

        foreach (var entry in entries.Where(e => e.Entity is Message && e.State != EntityState.Deleted))
        {
            var message = (Message)entry.Entity;
            var type = entry.State == EntityState.Added ? ChangeTypes.MessageCreated
                : message.DeletedAt is not null && entry.Property(nameof(Message.DeletedAt)).OriginalValue is null ? ChangeTypes.MessageDeleted
                : ChangeTypes.MessageUpdated;
            var room = rooms.GetValueOrDefault(message.Rid) ?? db.Rooms.Local.FirstOrDefault(r => r.Id == message.Rid);
            events.Add(new ChangeEvent
            {
                Type = type, Ts = message.UpdatedAt, Actor = actor, RoomId = message.Rid, RoomVersion = room?.Version,
                DepartmentId = room?.DepartmentId, VisitorId = room?.VisitorId, AgentId = room?.ServedById,
                Room = room is null ? null : ChangeEvents.Document(RoomView.From(room)), Message = ChangeEvents.Document(MessageView.From(message)),
            });
        }
        return events;
    }

    /// <summary>
    /// An anonymous request (the visitor-token endpoints) that writes one visitor's data acts as that visitor: the
    /// visitor, their room, or a message they sent is in the save. Users and the server keep their own name.
    /// </summary>
    static ChangeActor ActorOf(ChangeActor actor, List<EntityEntry> entries)
    {
        if (actor.Id is not null || actor.Source == ChangeActor.SystemSource) return actor;
        var visitors = entries.Select(e => e.Entity switch
        {
            Visitor v => (v.Id, v.Username),
            LivechatRoom r => (r.VisitorId, r.VisitorUsername),
            Message { Token: not null } m => (m.UserId, m.Username),
            _ => ((string, string)?)null,
        }).OfType<(string Id, string Username)>().Distinct().ToList();
        return visitors.Count == 1 ? ChangeActor.Visitor(visitors[0].Id, visitors[0].Username, actor.Source) : actor;
    }

    public static string Serialize(ChangeEvent change) => JsonSerializer.Serialize(change, JsonSetup.Options);

    /// <summary>The audit row: who, when, how, and the audited fields' old and new values; no documents.</summary>
    public static string SerializeAudit(ChangeEvent change) => Serialize(change with
    {
        Room = null,
        Visitor = null,
        Message = null,
        Inquiry = null,
        Changes = change.Changes.Where(c => ChangeFields.IsAudited(c.Key)).ToDictionary(c => c.Key, c => c.Value),
    });

    public static ChangeEvent Deserialize(long seq, string data, bool remote) =>
        JsonSerializer.Deserialize<ChangeEvent>(data, JsonSetup.Options)! with { Seq = seq, Remote = remote };
}

/// <summary>Builders for events that write paths record by hand (<see cref="LivechatDb.RecordChange"/>).</summary>
public static class ChangeEvents
{
    /// <summary>A room event with the room's ids and document; the actor and time are filled in when it is saved.</summary>
    public static ChangeEvent ForRoom(string type, LivechatRoom room, ChangeActor? actor = null, DateTime ts = default) => new()
    {
        Type = type, Ts = ts, Actor = actor ?? ChangeActor.System, RoomId = room.Id, RoomVersion = room.Version,
        DepartmentId = room.DepartmentId, VisitorId = room.VisitorId, AgentId = room.ServedById, Room = Document(RoomView.From(room)),
    };

    public static ChangeEvent ForInquiry(string type, Inquiry inquiry, ChangeActor? actor = null, DateTime ts = default) => new()
    {
        Type = type, Ts = ts, Actor = actor ?? ChangeActor.System, RoomId = inquiry.Rid, DepartmentId = inquiry.Department,
        VisitorId = inquiry.VisitorId, Inquiry = type == ChangeTypes.InquiryRemoved ? null : Document(InquiryView.From(inquiry)),
    };

    /// <summary>The event type of a modified room: closed, assigned, or else updated.</summary>
    public static string ModifiedRoomType(LivechatRoom room, IReadOnlyDictionary<string, FieldChange> changes) =>
        changes.ContainsKey("open") && !room.Open ? ChangeTypes.RoomClosed
        : changes.ContainsKey("servedBy") ? ChangeTypes.RoomAssigned
        : ChangeTypes.RoomUpdated;

    /// <summary>The room's queue entry was deleted (the room closed, or was removed).</summary>
    public static ChangeEvent InquiryRemoved(LivechatRoom room) => new()
    {
        Type = ChangeTypes.InquiryRemoved, Ts = default, Actor = ChangeActor.System, RoomId = room.Id, DepartmentId = room.DepartmentId,
        VisitorId = room.VisitorId,
    };

    public static EventDocument Document<T>(T view) => EventDocument.Of(view);

}
