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
