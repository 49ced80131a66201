using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Livechat.Server.Methods;
using Livechat.Server.Operations;

namespace Livechat.Server.Realtime;

/// <summary>
/// One accepted DDP subscription to a stream event (<paramref name="Stream"/> + <paramref name="EventName"/>). It was
/// authorised when made, for the visitor token or the logged-in user recorded here.
/// </summary>
public sealed record StreamSubscription(DdpSession Session, string Id, string Stream, string EventName, string? UserId, string? VisitorToken)
{
    /// <summary>Agents see more than visitors on some streams (room data on <c>stream-livechat-room</c>).</summary>
    public bool IsAgent => UserId is not null;
}

/// <summary>
/// This process's registry of stream subscriptions, keyed by stream and event name. <see cref="Publish"/> writes one
/// <c>changed</c> message per matching subscription, as Rocket.Chat's streamer does, serialised once.
/// </summary>
public sealed class StreamHub
{
    readonly ConcurrentDictionary<(string Stream, string EventName), ConcurrentDictionary<StreamSubscription, byte>> _byEvent = new();

    readonly ConcurrentDictionary<DdpSession, byte> _sessions = new();
    readonly Dictionary<string, int> _connectionsByAddress = new(StringComparer.Ordinal);

    /// <summary>Counts a new connection from <paramref name="address"/>; false (and not counted) when it has <paramref name="max"/> already.</summary>
    public bool TryAddConnection(string address, int max)
    {
        lock (_connectionsByAddress)
        {
            var open = _connectionsByAddress.GetValueOrDefault(address);
            if (open >= max) return false;
            _connectionsByAddress[address] = open + 1;
            return true;
        }
    }

    public void RemoveConnection(string address)
    {
        lock (_connectionsByAddress)
        {
            // An address without connections leaves no entry behind.
            if (_connectionsByAddress.GetValueOrDefault(address) <= 1) _connectionsByAddress.Remove(address);
            else _connectionsByAddress[address]--;
        }
    }

    /// <summary>The open sessions logged in as <paramref name="userId"/>.</summary>
    public IEnumerable<DdpSession> SessionsOf(string userId) => _sessions.Keys.Where(s => s.LoginUserId == userId);

    public void Open(DdpSession session) => _sessions.TryAdd(session, 0);

    public void Close(DdpSession session) => _sessions.TryRemove(session, out _);

    /// <summary>Taken by <see cref="Add"/> and <see cref="Remove"/> (never by <see cref="Publish"/>), so that a set emptied and dropped by one cannot swallow the other's subscription.</summary>
    readonly Lock _changing = new();

    public void Add(StreamSubscription subscription)
    {
        lock (_changing)
        {
            if (_byEvent.GetOrAdd((subscription.Stream, subscription.EventName), _ => new()).TryAdd(subscription, 0)) Telemetry.RealtimeSubscriptions.Add(1);
        }
    }

    public void Remove(StreamSubscription subscription)
    {
        var key = (subscription.Stream, subscription.EventName);
        lock (_changing)
        {
            if (!_byEvent.TryGetValue(key, out var set)) return;
            if (set.TryRemove(subscription, out _)) Telemetry.RealtimeSubscriptions.Add(-1);
            if (set.IsEmpty) _byEvent.TryRemove(key, out _);
        }
    }

    /// <summary>The event names of <paramref name="stream"/> that someone here subscribes to.</summary>
    public IEnumerable<string> EventNames(string stream) =>
        _byEvent.Where(e => e.Key.Stream == stream && !e.Value.IsEmpty).Select(e => e.Key.EventName);

    public bool HasSubscribers(string stream, string eventName) =>
        _byEvent.TryGetValue((stream, eventName), out var set) && !set.IsEmpty;

    /// <summary>
    /// Sends the event to the subscribers of <paramref name="stream"/>/<paramref name="eventName"/> that
    /// <paramref name="audience"/> admits, except the connection it came from (Rocket.Chat's <c>retransmitToSelf: false</c>).
    /// </summary>
    public void Publish(string stream, string eventName, JsonArray args, DdpSession? origin = null, Func<StreamSubscription, bool>? audience = null)
    {
        if (!_byEvent.TryGetValue((stream, eventName), out var set) || set.IsEmpty) return;
        var json = Ejson.Stringify(DdpMessages.Changed(stream, eventName, args));
        foreach (var subscription in set.Keys)
        {
            if (subscription.Session == origin || (audience is not null && !audience(subscription))) continue;
            subscription.Session.Send(json);
        }
    }
}
