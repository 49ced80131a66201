using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Messages;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.OnHold;

/// <summary>
/// Placing a chat on hold and resuming it (Rocket.Chat EE's <c>placeRoomOnHold</c> / <c>resumeRoomOnHold</c>), shared by
/// <c>livechat/room.onHold</c>, <c>livechat/room.resumeOnHold</c> and the abandoned-chat action. Each is one normal
/// write of the tracked room: <c>onHold</c> and the system message with its <c>comment</c>, version-checked.
/// </summary>
public static class RoomHold
{
    /// <summary>Who a hold or resume is recorded as.</summary>
    public sealed record Actor(string Id, string Username, string? Name);

    /// <summary>The server's own actions are Rocket.Chat's bot's.</summary>
    public static readonly Actor RocketCat = new("rocket.cat", "rocket.cat", "Rocket.Cat");

    /// <summary>Why the room cannot be placed on hold, in Rocket.Chat's order and words; null when it can.</summary>
    public static string? PlaceRefusal(LivechatRoom room) =>
        !room.Open ? "error-room-already-closed"
        : room.OnHold ? "error-room-is-already-on-hold"
        : VisitorSentLast(room) ? "error-contact-sent-last-message-so-cannot-place-on-hold"
        : room.ServedById is null ? "error-unserved-rooms-cannot-be-placed-onhold"
        : null;

    /// <summary>Why the room cannot be resumed; null when it can.</summary>
    public static string? ResumeRefusal(LivechatRoom room) =>
        !room.Open ? "This_conversation_is_already_closed"
        : !room.OnHold ? "error-room-not-on-hold"
        : room.ServedById is null ? "error-room-not-served"
        : null;

    /// <summary>Rocket.Chat checks <c>lastMessage.token</c>: the last message is the visitor's own.</summary>
    static bool VisitorSentLast(LivechatRoom room) =>
        room.LastMessage is { } json && JsonNode.Parse(json) is JsonObject message && message["t"] is null
        && (string?)message["u"]?["_id"] == room.VisitorId;

    /// <summary>Puts the tracked room on hold and saves; throws <c>DbUpdateConcurrencyException</c> when the room changed meanwhile.</summary>
    public static Task PlaceAsync(LivechatDb db, Writes writes, SettingsStore settings, LivechatRoom room, string comment, Actor by, DateTime now,
        CancellationToken ct)
    {
        room.OnHold = true;
        return SaveAsync(db, writes, settings, room, "omnichannel_placed_chat_on_hold", comment, by, now, ct);
    }

    /// <summary>Resumes the tracked room and saves; throws <c>DbUpdateConcurrencyException</c> when the room changed meanwhile.</summary>
    public static Task ResumeAsync(LivechatDb db, Writes writes, SettingsStore settings, LivechatRoom room, string comment, Actor by, DateTime now,
        CancellationToken ct)
    {
        room.OnHold = false;
        return SaveAsync(db, writes, settings, room, "omnichannel_on_hold_chat_resumed", comment, by, now, ct);
    }

    /// <summary>
    /// Resumes a chat on hold after its visitor wrote (Rocket.Chat's automatic resume, by <c>rocket.cat</c>); nothing when
    /// it is no longer on hold. A write that loses a race with another change of the room reads it again.
    /// </summary>
    public static async Task ResumeOnVisitorMessageAsync(LivechatDb db, Writes writes, SettingsStore settings, string rid, string guest,
        TimeProvider time, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == rid, ct);
            if (room is null || ResumeRefusal(room) is not null) return;
            try
            {
                await ResumeAsync(db, writes, settings, room,
                    $"The chat was automatically resumed from On Hold upon receiving a new message from {guest}", RocketCat, time.UtcNow(), ct);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < Writes.MaxLockedAttempts)
            {
            }
        }
    }

    static async Task SaveAsync(LivechatDb db, Writes writes, SettingsStore settings, LivechatRoom room, string type, string comment, Actor by,
        DateTime now, CancellationToken ct)
    {
        var readReceipts = await settings.GetBoolAsync("Message_Read_Receipt_Enabled", ct);
        RoomMessages.Append(db, room, RoomMessages.System(room, type, "", by.Id, by.Username, by.Name, now, readReceipts, comment: comment));
        await writes.SaveAsync(db, ct);
    }
}
