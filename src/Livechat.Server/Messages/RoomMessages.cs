using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Messages;

/// <summary>
/// The one way a message enters a room. <see cref="Append"/> adds the message and updates the tracked room's counters;
/// the caller saves both in its own transaction, so message and room change together or not at all. Visitor and agent
/// messages, the hot path, use <see cref="Prepare"/>: the same changes as one prepared, version-checked command.
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
        Count(room, message);
        return message;
    }

    /// <summary>What <see cref="Append"/> changes in the room, without adding the message.</summary>
    static void Count(LivechatRoom room, Message message)
    {
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
    }

    /// <summary>
    /// The append of a visitor's or an agent's message (no <c>t</c>) on the hot path of <c>livechat/message</c> and
    /// <c>chat.sendMessage</c>, without EF's change tracker and update pipeline. <paramref name="room"/> is the room as
    /// read (untracked) and checked before the write; this makes <see cref="Append"/>'s changes to it, with the version
    /// bump and <c>_updatedAt</c> that <see cref="Events.SaveConventions"/> gives a changed room, and records the
    /// message's <c>message.created</c> event (the room's new version and document, as the change capture builds it
    /// for a tracked message), all before the write. The returned write, for <see cref="Writes.SaveAsync"/>'s turn, is
    /// one command of two prepared statements: the room's update, version-checked against the room as read, and the
    /// message's insert. When either changes no row (another write changed the room since it was read, or a message
    /// already has this id) it throws <see cref="DbUpdateConcurrencyException"/>, and nothing of the write is kept.
    /// </summary>
    public static Func<LivechatDb, CancellationToken, Task> Prepare(LivechatDb db, LivechatRoom room, Message message)
    {
        var read = room.Version;
        Count(room, message);
        room.Version = read + 1;
        room.UpdatedAt = message.UpdatedAt;
        db.RecordChange(ChangeEvents.ForRoom(ChangeTypes.MessageCreated, room, ts: message.UpdatedAt) with
        {
            Message = ChangeEvents.Document(MessageView.From(message)),
        });
        object?[] values =
        [
            room.Msgs, room.Lm, room.LastMessage, room.VisitorLastMessageTs, room.WaitingResponse, room.FirstResponseTs, room.ResponseById,
            room.ResponseByUsername, room.ResponseLastMessageTs, room.Version, room.UpdatedAt, room.Id, read,
            message.Id, message.Rid, message.Msg, message.Ts, message.UpdatedAt, message.UserId, message.Username, message.UserDisplayName,
            message.Token, message.Alias, message.Files,
        ];
        return async (write, ct) =>
        {
            if (await PreparedCommands.ExecuteAsync(write, AppendSql, values, ct) != 2)
            {
                throw new DbUpdateConcurrencyException("The room changed since it was read, or the message id is taken.");
            }
        };
    }

    const string AppendSql = """
        UPDATE rooms SET "Msgs" = @p0, "Lm" = @p1, "LastMessage" = @p2, "VisitorLastMessageTs" = @p3, "WaitingResponse" = @p4,
            "FirstResponseTs" = @p5, "ResponseById" = @p6, "ResponseByUsername" = @p7, "ResponseLastMessageTs" = @p8,
            "Version" = @p9, "UpdatedAt" = @p10
        WHERE "Id" = @p11 AND "Version" = @p12;
        INSERT INTO messages ("Id", "Rid", "Msg", "Ts", "UpdatedAt", "UserId", "Username", "UserDisplayName", "Token", "Alias", "Files")
        VALUES (@p13, @p14, @p15, @p16, @p17, @p18, @p19, @p20, @p21, @p22, @p23)
        ON CONFLICT ("Id") DO NOTHING;
        """;

    /// <summary>A system message (<c>t</c> set, <c>groupable: false</c>, <c>unread</c> when read receipts are on).</summary>
    public static Message System(LivechatRoom room, string type, string msg, string userId, string username, string? name,
        DateTime now, bool readReceipts, string? priorityData = null, string? slaData = null, string? transferData = null,
        string? token = null, string? comment = null) => new()
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
            TransferData = transferData,
            Token = token,
            Comment = comment,
        };
}
