using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Methods;
using Livechat.Server.Rooms;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Realtime;

/// <summary>
/// Who may subscribe to what (Rocket.Chat's <c>allowRead</c> rules). A visitor proves itself with its token in the
/// subscription's extra arguments (<c>{token, visitorToken}</c>, as the widget sends them); an agent with its DDP login.
/// Nobody receives a room they may not see: a refused subscription answers <c>nosub</c> with <c>not-allowed</c>.
/// </summary>
public static class StreamAccess
{
    public const string RoomMessages = "stream-room-messages";
    public const string NotifyRoom = "stream-notify-room";
    public const string LivechatRoom = "stream-livechat-room";
    public const string NotifyUser = "stream-notify-user";

    /// <summary>Rocket.Chat's event name for "messages of every room I am in" (for agents: the rooms they serve).</summary>
    public const string MyMessages = "__my_messages__";

    public readonly record struct Decision(StreamSubscription? Subscription, JsonObject? Error);

    static Decision Refuse(JsonNode code, string? reason = null) => new(null, MethodOutcome.MeteorError(code, reason));

    public static async Task<Decision> AuthorizeAsync(DdpSession session, string subId, string stream, JsonArray parameters, CancellationToken ct)
    {
        if (stream is not (RoomMessages or NotifyRoom or LivechatRoom or NotifyUser))
        {
            return Refuse(404, $"Subscription '{stream}' not found");
        }
        if (parameters is not [JsonValue first, ..] || first.GetValueKind() != JsonValueKind.String)
        {
            return Refuse(400, "Match failed");
        }
        var eventName = first.GetValue<string>();
        if (eventName.Length == 0) return Refuse("invalid-event-name");
        var token = ExtraToken(parameters.Count > 1 ? parameters[1] : null);
        var user = session.User;
        var allowed = stream switch
        {
            NotifyUser => user is not null && eventName.Split('/')[0] == user.Id,
            RoomMessages when eventName == MyMessages => user is not null,
            _ => await CanSeeRoomAsync(session, RoomOf(stream, eventName), token, ct),
        };
        if (!allowed) return Refuse("not-allowed");
        // A subscription made with a visitor token stays a visitor's, even on a connection where an agent logged in.
        var asVisitor = token is not null && stream is not NotifyUser && eventName != MyMessages;
        return new(new StreamSubscription(session, subId, stream, eventName, asVisitor ? null : user?.Id, asVisitor ? token : null), null);
    }

    static string RoomOf(string stream, string eventName) => stream == NotifyRoom ? eventName.Split('/')[0] : eventName;

    /// <summary>The visitor token among the extra arguments: <c>[eventName, {useCollection, args: [{token, visitorToken}]}]</c>.</summary>
    static string? ExtraToken(JsonNode? options)
    {
        if (options is not JsonObject o || o["args"] is not JsonArray { Count: > 0 } args || args[0] is not JsonObject extra) return null;
        foreach (var key in new[] { "token", "visitorToken" })
        {
            if (extra[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } t) return t;
        }
        return null;
    }

    /// <summary>The visitor by its token, else the session's user by <see cref="RoomAccess.CanViewAsync"/>.</summary>
    public static async Task<bool> CanSeeRoomAsync(DdpSession session, string rid, string? token, CancellationToken ct)
    {
        await using var scope = session.Scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rid, ct);
        if (room is null) return false;
        if (token is not null)
        {
            return room.VisitorToken == token;
        }
        if (session.User is not { } user) return false;
        // Rocket.Chat lets only the visitor read stream-livechat-room; agents who may see the room read it here too.
        return await RoomAccess.CanViewAsync(db, scope.ServiceProvider.GetRequiredService<PermissionStore>(), user, room, ct);
    }
}
