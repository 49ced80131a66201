using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Auth;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Methods;
using Livechat.Server.Presence;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Realtime;

/// <summary>
/// The Meteor methods a DDP client calls: <c>login</c> (resume token) and <c>logout</c> for agents,
/// <c>livechat:setUpConnection</c> and the typing method <c>stream-notify-room</c> for the widget, and the catalogue
/// methods that <c>method.call</c> offers over REST (same dispatch, same errors).
/// </summary>
public static class DdpMethods
{
    public static async Task<MethodOutcome> CallAsync(DdpSession session, string method, JsonArray parameters, CancellationToken ct)
    {
        await using var scope = session.Scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        return method switch
        {
            "login" => await LoginAsync(session, parameters, services, ct),
            "logout" => await LogoutAsync(session, ct),
            "UserPresence:away" or "UserPresence:online" => await PresenceMethods.SetConnectionStatusAsync(session, method, ct),
            "UserPresence:setDefaultStatus" => await PresenceMethods.SetDefaultStatusAsync(session, parameters, services, ct),
            "livechat:setUpConnection" => await SetUpConnectionAsync(session, parameters, services, ct),
            StreamAccess.NotifyRoom => await NotifyRoomAsync(session, parameters, services, ct),
            // The user as their token and roles stand now, not as they were at login.
            _ => await MeteorMethods.InvokeAsync(method, parameters, await session.CurrentUserAsync(services, ct), services, ct),
        };
    }

    /// <summary>
    /// A connection closing takes its user's presence with it, and marks a widget's visitor offline, as Rocket.Chat's
    /// setUpConnection arranges.
    /// </summary>
    public static async Task OnDisconnectAsync(DdpSession session)
    {
        await PresenceMethods.DisconnectAsync(session);
        if (session.VisitorToken is not { } token) return;
        try
        {
            await using var scope = session.Scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            await VisitorStatus.SetAsync(services.GetRequiredService<LivechatDb>(), token, "offline",
                services.GetRequiredService<TimeProvider>().UtcNow(), CancellationToken.None);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException or TimeoutException)
        {
            // The server is stopping, or the visitor is gone: nothing to mark.
        }
    }

    static async Task<MethodOutcome> LoginAsync(DdpSession session, JsonArray parameters, IServiceProvider services, CancellationToken ct)
    {
        if (parameters is not [JsonObject options, ..]) return MethodOutcome.MatchFailed;
        if (options["resume"] is not JsonValue resume || resume.GetValueKind() != JsonValueKind.String)
        {
            // Password logins go through REST `login`, where failed attempts are counted and blocked.
            return MethodOutcome.Fail(400, "Unrecognized options for login request");
        }
        var token = resume.GetValue<string>();
        var found = await ResumeTokens.FindAsync(services.GetRequiredService<LivechatDb>(), token, ct);
        if (found is null) return MethodOutcome.Fail(403, ResumeTokens.LoggedOut);
        var expires = LoginExpiration.ExpiresAt(found.Token,
            await LoginExpiration.LifetimeAsync(services.GetRequiredService<SettingsStore>(), ct));
        if (expires <= services.GetRequiredService<TimeProvider>().UtcNow()) return MethodOutcome.Fail(403, LoginExpiration.Expired);
        if (!found.User.Active) return MethodOutcome.Fail("error-user-is-not-activated", "User is not activated");

        if (session.LoginUserId is not null) await session.Presence.DisconnectAsync(session.Id, ct);
        session.LogIn(new CurrentUser(found.User.Id, found.User.Username, found.User.Roles, found.Token.Id), Ids.HashToken(token), expires);
        await session.Presence.ConnectAsync(session.Id, found.User.Id, ct);
        var result = new JsonObject { ["id"] = found.User.Id, ["token"] = token };
        // Personal access tokens do not expire.
        if (expires is { } end) result["tokenExpires"] = Ejson.ToNode(end);
        result["type"] = "resume";
        return new MethodOutcome(result);
    }

    static async Task<MethodOutcome> LogoutAsync(DdpSession session, CancellationToken ct)
    {
        session.LogOut();
        await session.Presence.DisconnectAsync(session.Id, ct);
        return MethodOutcome.Undefined;
    }

    /// <summary>
    /// Remembers the visitor whose connection this is, to mark it offline when the connection closes. Only a token that
    /// is a visitor's when it is given counts: a connection cannot arrange the status of a visitor it did not prove.
    /// </summary>
    static async Task<MethodOutcome> SetUpConnectionAsync(DdpSession session, JsonArray parameters, IServiceProvider services, CancellationToken ct)
    {
        if (parameters is not [JsonObject data, ..] || data["token"] is not JsonValue token || token.GetValueKind() != JsonValueKind.String)
        {
            return MethodOutcome.MatchFailed;
        }
        var given = token.GetValue<string>();
        if (session.VisitorToken is null && await services.GetRequiredService<LivechatDb>().Visitors.AnyAsync(v => v.Token == given, ct))
        {
            session.VisitorToken = given;
        }
        return MethodOutcome.Undefined;
    }

    /// <summary>
    /// <c>stream-notify-room(eventName, username, typing|activities, extraData)</c>: typing and user activity, written by
    /// the visitor (its token in <c>extraData</c>) or by a logged-in user under their own username. Anything else is
    /// dropped silently, as Rocket.Chat's <c>allowWrite</c> does. The visitor token is not passed on to listeners.
    /// </summary>
    static async Task<MethodOutcome> NotifyRoomAsync(DdpSession session, JsonArray parameters, IServiceProvider services, CancellationToken ct)
    {
        if (parameters is not [JsonValue name, JsonValue username, var state, ..] || name.GetValueKind() != JsonValueKind.String
            || username.GetValueKind() != JsonValueKind.String || name.GetValue<string>().Length > session.Limits.MaxEventNameLength)
        {
            return MethodOutcome.Undefined;
        }
        var parts = name.GetValue<string>().Split('/');
        if (parts is not [var rid, ("typing" or "user-activity") and var kind]) return MethodOutcome.Undefined;
        var token = parameters.Count > 3 && parameters[3] is JsonObject extra && extra["token"] is JsonValue t
            && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        var who = username.GetValue<string>();
        // The writer must be able to read the room, as a subscriber must (a user only under their own name).
        var user = token is null ? await session.CurrentUserAsync(services, ct) : null;
        if (token is null && user?.Username != who) return MethodOutcome.Undefined;
        if (!await StreamAccess.CanSeeRoomAsync(services, rid, user, token, ct)) return MethodOutcome.Undefined;

        bool typing;
        JsonArray activities;
        if (kind == "typing")
        {
            typing = state?.GetValueKind() == JsonValueKind.True;
            activities = typing ? ["user-typing"] : [];
        }
        else
        {
            if (state is not JsonArray given) return MethodOutcome.Undefined;
            activities = (JsonArray)given.DeepClone();
            typing = activities.Any(a => a is JsonValue v && v.TryGetValue<string>(out var s) && s == "user-typing");
            if (!typing && activities.Count > 0) return Publish(session, rid, "user-activity", [who, activities]);
        }
        Publish(session, rid, "typing", [who, typing]);
        return Publish(session, rid, "user-activity", [who, activities]);
    }

    /// <summary><c>stream-notify-room</c> <c>&lt;rid&gt;/&lt;kind&gt;</c> to everyone but the writer's own connection.</summary>
    static MethodOutcome Publish(DdpSession origin, string rid, string kind, JsonArray args)
    {
        origin.Hub.Publish(StreamAccess.NotifyRoom, $"{rid}/{kind}", args, origin);
        return MethodOutcome.Undefined;
    }
}
