using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Messages;

/// <summary>
/// The one way a message enters a room. <see cref="Append"/> adds the message and updates the tracked room's counters;
/// the caller saves both in its own transaction, so message and room change together or not at all.
/// </summary>
public static class RoomMessages
{
    /// <summary>Message types that never become a room's <c>lastMessage</c>: room.saveInfo's change history.</summary>
    public static readonly string[] NeverLast = ["omnichannel_priority_change_history", "omnichannel_sla_change_history"];

    /// <summary>
    /// Adds <paramref name="message"/> to <paramref name="room"/>: <c>msgs</c> +1, <c>lm</c> and <c>lastMessage</c>
    /// (unless its type is one of <see cref="NeverLast"/>). A visitor
    /// message (<c>token</c> set) sets <c>v.lastMessageTs</c>; an agent message (no <c>t</c>, no token) removes
    /// <c>waitingResponse</c> and sets <c>responseBy</c>.
    /// </summary>
    public static Message Append(LivechatDb db, LivechatRoom room, Message message)
    {
        db.Messages.Add(message);
        room.Msgs++;
        // Messages stamped at the same moment can commit in either order: the newest by time stays the last one.
        if ((message.T is null || !NeverLast.Contains(message.T)) && !(message.Ts < room.Lm))
        {
            room.Lm = message.Ts;
            room.LastMessage = MessageView.From(message).ToJson();
        }
        if (message.T is null && message.Token is not null)
        {
            if (!(message.Ts < room.VisitorLastMessageTs)) room.VisitorLastMessageTs = message.Ts;
        }
        else if (message.T is null)
        {
            room.WaitingResponse = false;
            if (room.ResponseById is null || message.Ts < room.FirstResponseTs)
            {
                room.FirstResponseTs = message.Ts;
            }
            if (!(message.Ts < room.ResponseLastMessageTs))
            {
                room.ResponseById = message.UserId;
                room.ResponseByUsername = message.Username;
                room.ResponseLastMessageTs = message.Ts;
            }
        }
        return message;
    }

    /// <summary>
    /// The append of a visitor's or an agent's message (no <c>t</c>) for the hot write of <c>livechat/message</c> and
    /// <c>chat.sendMessage</c>, without the change tracker: the room's <c>UPDATE … RETURNING</c> makes the changes of
    /// <see cref="Append"/>, computed by the database from the row as it is at that moment (so a message never waits
    /// for, nor conflicts with, another write of the room), with the version bump and <c>_updatedAt</c> that
    /// <see cref="Events.SaveConventions"/> gives a changed room; the message is inserted, and its
    /// <c>message.created</c> event (the room's new version and document, as the change capture builds it for a
    /// tracked message) is recorded for the caller's save, which stores and publishes it. The room is changed only if
    /// the sender may still post there (a visitor: their room and open; an agent: open and served by them) and no
    /// message has <paramref name="message"/>'s id yet; null when nothing was written. The message's id must have been
    /// checked against <see cref="IndexedValueLimit.TooLong"/>, and <paramref name="lastMessage"/> is
    /// <c>MessageView.From(message).ToJson()</c>, both before the write.
    /// </summary>
    public static async Task<LivechatRoom?> PostAsync(LivechatDb db, Message message, string lastMessage, DateTime now, CancellationToken ct)
    {
        var (ts, id, user) = (message.Ts, message.Id, message.UserId);
        // All right-hand sides read the row before the update, as Append reads the room before changing it.
        var rooms = message.Token is not null
            ? db.Rooms.FromSql($"""
                UPDATE rooms SET
                    "Msgs" = "Msgs" + 1,
                    "Lm" = CASE WHEN "Lm" IS NULL OR "Lm" <= {ts} THEN {ts} ELSE "Lm" END,
                    "LastMessage" = CASE WHEN "Lm" IS NULL OR "Lm" <= {ts} THEN {lastMessage} ELSE "LastMessage" END,
                    "VisitorLastMessageTs" = CASE WHEN "VisitorLastMessageTs" IS NULL OR "VisitorLastMessageTs" <= {ts} THEN {ts}
                        ELSE "VisitorLastMessageTs" END,
                    "Version" = "Version" + 1,
                    "UpdatedAt" = {now}
                WHERE "Id" = {message.Rid} AND "VisitorId" = {user} AND "Open"
                    AND NOT EXISTS (SELECT 1 FROM messages WHERE "Id" = {id})
                RETURNING *
                """)
            : db.Rooms.FromSql($"""
                UPDATE rooms SET
                    "Msgs" = "Msgs" + 1,
                    "Lm" = CASE WHEN "Lm" IS NULL OR "Lm" <= {ts} THEN {ts} ELSE "Lm" END,
                    "LastMessage" = CASE WHEN "Lm" IS NULL OR "Lm" <= {ts} THEN {lastMessage} ELSE "LastMessage" END,
                    "WaitingResponse" = FALSE,
                    "FirstResponseTs" = CASE WHEN "ResponseById" IS NULL OR {ts} < "FirstResponseTs" THEN {ts} ELSE "FirstResponseTs" END,
                    "ResponseById" = CASE WHEN "ResponseLastMessageTs" IS NULL OR "ResponseLastMessageTs" <= {ts} THEN {user}
                        ELSE "ResponseById" END,
                    "ResponseByUsername" = CASE WHEN "ResponseLastMessageTs" IS NULL OR "ResponseLastMessageTs" <= {ts} THEN {message.Username}
                        ELSE "ResponseByUsername" END,
                    "ResponseLastMessageTs" = CASE WHEN "ResponseLastMessageTs" IS NULL OR "ResponseLastMessageTs" <= {ts} THEN {ts}
                        ELSE "ResponseLastMessageTs" END,
                    "Version" = "Version" + 1,
                    "UpdatedAt" = {now}
                WHERE "Id" = {message.Rid} AND "Open" AND "ServedById" = {user}
                    AND NOT EXISTS (SELECT 1 FROM messages WHERE "Id" = {id})
                RETURNING *
                """);
        var room = (await rooms.AsNoTracking().ToListAsync(ct)).SingleOrDefault();
        if (room is null) return null;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO messages ("Id", "Rid", "Msg", "Ts", "UpdatedAt", "UserId", "Username", "UserDisplayName", "Token", "Alias")
            VALUES ({id}, {message.Rid}, {message.Msg}, {ts}, {message.UpdatedAt}, {user}, {message.Username}, {message.UserDisplayName},
                {message.Token}, {message.Alias})
            """, ct);
        db.RecordChange(ChangeEvents.ForRoom(ChangeTypes.MessageCreated, room, ts: message.UpdatedAt) with
        {
            Message = ChangeEvents.Document(MessageView.From(message)),
        });
        return room;
    }

    /// <summary>A system message (<c>t</c> set, <c>groupable: false</c>, <c>unread</c> when read receipts are on).</summary>
    public static Message System(LivechatRoom room, string type, string msg, string userId, string username, string? name,
        DateTime now, bool readReceipts, string? priorityData = null, string? slaData = null) => new()
        {
            Id = Ids.NewId(),
            Rid = room.Id,
            Msg = msg,
            Ts = now,
            UpdatedAt = now,
            UserId = userId,
            Username = username,
            UserDisplayName = name,
            T = type,
            Groupable = false,
            Unread = readReceipts ? true : null,
            PriorityData = priorityData,
            SlaData = slaData,
        };
}
