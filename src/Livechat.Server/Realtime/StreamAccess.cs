using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Methods;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
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
        // No id or name holds a control character, and PostgreSQL cannot even compare U+0000.
        if (eventName.Length == 0 || eventName.Any(char.IsControl)) return Refuse("invalid-event-name");
        if (eventName.Length > session.Limits.MaxEventNameLength)
        {
            return Refuse("invalid-event-name", $"Event names are at most {session.Limits.MaxEventNameLength} characters long");
        }
        if (stream == NotifyRoom && !IsRoomEvent(eventName))
        {
            return Refuse("invalid-event-name", "The events of stream-notify-room are <rid>/typing, <rid>/user-activity and <rid>/deleteMessage");
        }
        var token = ExtraToken(parameters.Count > 1 ? parameters[1] : null);
        // A subscription made with a visitor token stays a visitor's, even on a connection where an agent logged in.
        var asVisitor = token is not null && stream is not NotifyUser && eventName != MyMessages;
        await using var scope = session.Scopes.CreateAsyncScope();
        var user = asVisitor ? null : await session.CurrentUserAsync(scope.ServiceProvider, ct);
        if (!await AllowsAsync(scope.ServiceProvider, user, stream, eventName, asVisitor ? token : null, ct)) return Refuse("not-allowed");
        return new(new StreamSubscription(session, subId, stream, eventName, user?.Id, asVisitor ? token : null), null);
    }

    /// <summary>Whether a subscription made as a user still holds for the user as they are now (roles changed).</summary>
    public static Task<bool> StillAllowedAsync(IServiceProvider services, CurrentUser user, StreamSubscription subscription, CancellationToken ct) =>
        AllowsAsync(services, user, subscription.Stream, subscription.EventName, null, ct);

    static async Task<bool> AllowsAsync(IServiceProvider services, CurrentUser? user, string stream, string eventName, string? token,
        CancellationToken ct) => stream switch
        {
            NotifyUser => user is not null && eventName.Split('/')[0] == user.Id,
            RoomMessages when eventName == MyMessages => user is not null,
            _ => await CanSeeRoomAsync(services, RoomOf(stream, eventName), user, token, ct),
        };

    /// <summary>Rocket.Chat's own events of <c>stream-notify-room</c> in a livechat room: <c>&lt;rid&gt;/typing|user-activity|deleteMessage</c>.</summary>
    static bool IsRoomEvent(string eventName) =>
        eventName.Split('/') is [{ Length: > 0 }, "typing" or "user-activity" or "deleteMessage"];

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

    /// <summary>The visitor by its token, else <paramref name="user"/> by <see cref="RoomAccess.CanViewAsync"/>.</summary>
    public static async Task<bool> CanSeeRoomAsync(IServiceProvider services, string rid, CurrentUser? user, string? token, CancellationToken ct)
    {
        var db = services.GetRequiredService<LivechatDb>();
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rid, ct);
        if (room is null) return false;
        if (token is not null)
        {
            return room.VisitorToken == token;
        }
        if (user is null) return false;
        // Rocket.Chat lets only the visitor read stream-livechat-room; agents who may see the room read it here too.
        return await RoomAccess.CanViewAsync(db, services.GetRequiredService<PermissionStore>(), user, room, ct);
    }
}
