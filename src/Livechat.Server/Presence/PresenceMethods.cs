using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Methods;
using Livechat.Server.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Presence;

/// <summary>Rocket.Chat's presence methods over DDP, for the logged-in user of the connection.</summary>
public static class PresenceMethods
{
    /// <summary>The statuses a user may choose (Rocket.Chat's <c>UserStatus</c> but <c>disabled</c>).</summary>
    public static readonly string[] Statuses = ["online", "away", "busy", "offline"];

    /// <summary><c>UserPresence:away</c> / <c>UserPresence:online</c>: this connection's status; nothing without a login.</summary>
    public static async Task<MethodOutcome> SetConnectionStatusAsync(DdpSession session, string method, CancellationToken ct)
    {
        if (session.LoginUserId is null) return MethodOutcome.Undefined;
        await session.Presence.SetConnectionStatusAsync(session.Id, method == "UserPresence:away" ? "away" : "online", ct);
        return new MethodOutcome(true);
    }

    /// <summary><c>UserPresence:setDefaultStatus(status)</c>: the user's chosen status (<c>statusDefault</c>).</summary>
    public static async Task<MethodOutcome> SetDefaultStatusAsync(DdpSession session, JsonArray parameters, IServiceProvider services, CancellationToken ct)
    {
        if (parameters is not [JsonValue value, ..] || value.GetValueKind() != JsonValueKind.String) return MethodOutcome.MatchFailed;
        if (await session.CurrentUserAsync(services, ct) is not { } user) return MethodOutcome.Undefined;
        var status = value.GetValue<string>();
        if (!Statuses.Contains(status)) return MethodOutcome.MatchFailed;
        await session.Presence.SetDefaultStatusAsync(user.Id, status, ct);
        return new MethodOutcome(true);
    }

    /// <summary>The connection closed: its presence goes (the server may be stopping, when the row lapses instead).</summary>
    public static async Task DisconnectAsync(DdpSession session)
    {
        try
        {
            await session.Presence.DisconnectAsync(session.Id, CancellationToken.None);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException
            or TimeoutException)
        {
            // Stopping: the row lapses after its lifetime, as a crashed process's do.
        }
    }
}
