using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Widget;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Realtime;

/// <summary>
/// Turns committed change events (<see cref="IChangeFeed"/>: this process's and, on PostgreSQL, the other processes')
/// into Rocket.Chat's stream events for the DDP subscribers connected here. Every event carries the room, agent and
/// visitor ids, so most of them need no database read; the few that do (agent details, queue positions, who to
/// notify) read only when someone here listens.
/// </summary>
public sealed class RealtimeBridge(IChangeFeed feed, StreamHub hub, IServiceScopeFactory scopes, AuthCache authCache) : IHostedService
{
    IDisposable? _subscription;

    /// <summary>The <c>queueData</c> last sent per queued room (its department and document), so only a changed spot is sent.</summary>
    readonly Dictionary<string, (string? Department, string Data)> _sentSpots = new(StringComparer.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(OnChangeAsync);
        authCache.Invalidated += LoginChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        authCache.Invalidated -= LoginChanged;
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A user's tokens or roles changed (here or, through <see cref="AuthCacheRelay"/>, in another process): their sessions check again.</summary>
    void LoginChanged(string userId)
    {
        foreach (var session in hub.SessionsOf(userId)) session.Revalidate();
    }

    async ValueTask OnChangeAsync(ChangeEvent change, CancellationToken ct)
    {
        switch (change.Type)
        {
            case ChangeTypes.MessageCreated or ChangeTypes.MessageUpdated:
                PublishMessage(change);
                break;
            case ChangeTypes.MessageDeleted:
                if (change.Message?["_id"] is JsonNode id)
                {
                    hub.Publish(StreamAccess.NotifyRoom, $"{change.RoomId}/deleteMessage", [new JsonObject { ["_id"] = id.DeepClone() }]);
                }
                RoomChangedForAgent(change, "updated");
                break;
            case ChangeTypes.RoomOpened:
                RoomChangedForAgent(change, "inserted");
                break;
            case ChangeTypes.RoomAssigned:
                await AgentAssignedAsync(change, ct);
                break;
            case ChangeTypes.RoomUpdated or ChangeTypes.RoomClosed:
                RoomChangedForAgent(change, "updated");
                PublishRoomData(change);
                break;
            case ChangeTypes.InquiryQueued:
                await NotifyAgentsOfNewInquiryAsync(change, ct);
                await PublishQueuePositionsAsync(change.DepartmentId, ct);
                break;
            case ChangeTypes.InquiryTaken or ChangeTypes.InquiryRemoved:
                await PublishQueuePositionsAsync(change.DepartmentId, ct);
                break;
        }
    }

    /// <summary>New and edited messages (system messages too) to the room's subscribers and the serving agent's <c>__my_messages__</c>.</summary>
    void PublishMessage(ChangeEvent change)
    {
        if (change.Message is null || change.RoomId is null) return;
        var toAgent = change.AgentId is not null && hub.HasSubscribers(StreamAccess.RoomMessages, StreamAccess.MyMessages);
        // Converting costs a walk of the document: only when someone here is to receive it.
        if (toAgent || hub.HasSubscribers(StreamAccess.RoomMessages, change.RoomId))
        {
            var message = EjsonDocuments.Convert(change.Message);
            hub.Publish(StreamAccess.RoomMessages, change.RoomId, [message]);
            if (toAgent)
            {
                hub.Publish(StreamAccess.RoomMessages, StreamAccess.MyMessages, [message.DeepClone()], audience: s => s.UserId == change.AgentId);
            }
        }
        if (change.Type == ChangeTypes.MessageCreated) RoomChangedForAgent(change, "updated");
    }

    /// <summary><c>stream-notify-user</c> <c>&lt;agent&gt;/rooms-changed</c>: the serving agent's view of the room.</summary>
    void RoomChangedForAgent(ChangeEvent change, string action)
    {
        if (change.AgentId is { } agent) RoomsChanged(agent, action, change);
    }

    /// <summary>The room, converted only when <paramref name="agent"/> listens here.</summary>
    void RoomsChanged(string agent, string action, ChangeEvent change)
    {
        var eventName = $"{agent}/rooms-changed";
        if (change.Room is null || !hub.HasSubscribers(StreamAccess.NotifyUser, eventName)) return;
        hub.Publish(StreamAccess.NotifyUser, eventName, [action, EjsonDocuments.Convert(change.Room)]);
    }

    /// <summary>
    /// <c>stream-livechat-room</c>: the room itself to agents who watch it (our extension, <c>roomData</c>), and a changed
    /// visitor to everyone there (Rocket.Chat's <c>visitorData</c>).
    /// </summary>
    void PublishRoomData(ChangeEvent change)
    {
        if (change.RoomId is not { } rid || change.Room is null || !hub.HasSubscribers(StreamAccess.LivechatRoom, rid)) return;
        hub.Publish(StreamAccess.LivechatRoom, rid, [new JsonObject { ["type"] = "roomData", ["data"] = EjsonDocuments.Convert(change.Room) }],
            audience: s => s.IsAgent);
        if (change.Visitor is { } visitor && change.Changes.Keys.Any(k => k.StartsWith("visitor.", StringComparison.Ordinal)))
        {
            hub.Publish(StreamAccess.LivechatRoom, rid, [new JsonObject { ["type"] = "visitorData", ["visitor"] = EjsonDocuments.Convert(visitor) }]);
        }
    }

    /// <summary>A new or changed serving agent: the room enters their list, leaves the previous one's, and the widget learns who it is.</summary>
    async Task AgentAssignedAsync(ChangeEvent change, CancellationToken ct)
    {
        RoomChangedForAgent(change, "inserted");
        if (change.Changes.TryGetValue("servedBy", out var servedBy) && servedBy.From?["_id"] is JsonValue previous
            && previous.GetValue<string>() != change.AgentId)
        {
            RoomsChanged(previous.GetValue<string>(), "removed", change);
        }
        PublishRoomData(change);
        if (change.RoomId is not { } rid || change.AgentId is not { } agentId || !hub.HasSubscribers(StreamAccess.LivechatRoom, rid)) return;
        await using var scope = scopes.CreateAsyncScope();
        var agent = await WidgetQueries.AgentViewAsync(scope.ServiceProvider.GetRequiredService<LivechatDb>(),
            scope.ServiceProvider.GetRequiredService<SettingsStore>(), agentId, ct);
        if (agent is null) return;
        hub.Publish(StreamAccess.LivechatRoom, rid, [new JsonObject { ["type"] = "agentData", ["data"] = JsonSetup.ToNode(agent) }]);
    }

    /// <summary>
    /// <c>stream-notify-user</c> <c>&lt;agent&gt;/notification</c> for each agent listening here who could take the new
    /// inquiry (available, and in its department when it has one), in Rocket.Chat's desktop-notification shape.
    /// </summary>
    async Task NotifyAgentsOfNewInquiryAsync(ChangeEvent change, CancellationToken ct)
    {
        var listening = hub.EventNames(StreamAccess.NotifyUser).Where(e => e.EndsWith("/notification", StringComparison.Ordinal))
            .Select(e => e[..e.IndexOf('/')]).ToList();
        if (listening.Count == 0 || change.Inquiry is not { } inquiry) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var eligible = await Routing.AvailableAgents(db, change.DepartmentId).Where(u => listening.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        var name = (string?)inquiry["name"] ?? (string?)inquiry["v"]?["username"] ?? "";
        foreach (var agent in eligible)
        {
            hub.Publish(StreamAccess.NotifyUser, $"{agent}/notification", [new JsonObject
            {
                ["title"] = "New chat in queue",
                ["text"] = $"{name} started a new conversation",
                ["payload"] = new JsonObject
                {
                    ["_id"] = "",
                    ["rid"] = change.RoomId,
                    ["sender"] = inquiry["v"]?.DeepClone(),
                    ["type"] = "l",
                    ["name"] = "New chat in queue",
                    ["message"] = new JsonObject { ["msg"] = "" },
                },
            }]);
        }
    }

    /// <summary>
    /// <c>queueData</c> on <c>stream-livechat-room</c> for the queued rooms of a department that someone here watches,
    /// only where the spot changed: a visitor joining behind the others moves nobody, so it costs one message, not one
    /// per queued visitor. (Events are handled one at a time, so <see cref="_sentSpots"/> needs no lock.)
    /// </summary>
    async Task PublishQueuePositionsAsync(string? department, CancellationToken ct)
    {
        if (!hub.EventNames(StreamAccess.LivechatRoom).Any()) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var settings = scope.ServiceProvider.GetRequiredService<SettingsStore>();
        var spots = await WidgetQueries.QueueOfDepartmentAsync(db, settings, department, ct);
        foreach (var left in _sentSpots.Where(s => s.Value.Department == department && !spots.ContainsKey(s.Key)).Select(s => s.Key).ToList())
        {
            _sentSpots.Remove(left);
        }
        foreach (var (rid, info) in spots)
        {
            var data = JsonSetup.ToNode(info);
            var text = data.ToJsonString();
            if (_sentSpots.TryGetValue(rid, out var sent) && sent.Data == text) continue;
            _sentSpots[rid] = (department, text);
            // Publish skips rooms nobody here watches.
            hub.Publish(StreamAccess.LivechatRoom, rid, [new JsonObject { ["type"] = "queueData", ["data"] = data }]);
        }
    }
}
