using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Livechat.Server.Http;
using Livechat.Server.Methods;
using Livechat.Server.Operations;

namespace Livechat.Server.Realtime;

/// <summary>
/// One DDP connection (Meteor's protocol, JSON text frames over a WebSocket). Incoming messages are handled one at a
/// time, in order, as Meteor does; outgoing ones go through a bounded queue drained by a single writer, so stream
/// events from any thread never interleave frames. A client that stops reading is disconnected rather than buffered.
/// </summary>
public sealed partial class DdpSession(WebSocket socket, IServiceScopeFactory scopes, StreamHub hub, ILogger logger) : IDisposable
{
    const int MaxQueuedMessages = 2000;
    const int MaxMessageBytes = 1 << 20;
    const int MaxSubscriptions = 500;
    static readonly string[] Versions = ["1", "pre2", "pre1"];

    readonly Channel<string> _outbox = Channel.CreateBounded<string>(
        new BoundedChannelOptions(MaxQueuedMessages) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    readonly ConcurrentDictionary<string, StreamSubscription> _subscriptions = new(StringComparer.Ordinal);
    readonly CancellationTokenSource _closed = new();
    bool _connected;

    public string Id { get; } = Ids.NewId();

    /// <summary>The agent logged in with DDP <c>login</c>, or null.</summary>
    public CurrentUser? User { get; set; }

    /// <summary>The visitor token given to <c>livechat:setUpConnection</c>, or null.</summary>
    public string? VisitorToken { get; set; }

    public IServiceScopeFactory Scopes => scopes;

    public StreamHub Hub => hub;

    /// <summary>Queues one message; false when the connection is gone or the client is too slow (it is then closed).</summary>
    public bool Send(string json)
    {
        if (_closed.IsCancellationRequested) return false;
        if (_outbox.Writer.TryWrite(json)) return true;
        LogSlowClient(logger, Id, MaxQueuedMessages);
        _closed.Cancel();
        return false;
    }

    public bool Send(JsonObject message) => Send(Ejson.Stringify(message));

    public async Task RunAsync(CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _closed.Token);
        var writer = WriteLoopAsync(linked.Token);
        Telemetry.RealtimeSessions.Add(1);
        try
        {
            // Meteor greets every socket with its server id before anything else.
            Send("""{"server_id":"0"}""");
            await ReadLoopAsync(linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away or fell behind.
        }
        finally
        {
            await _closed.CancelAsync();
            Telemetry.RealtimeSessions.Add(-1);
            foreach (var subscription in _subscriptions.Values) hub.Remove(subscription);
            _subscriptions.Clear();
            _outbox.Writer.TryComplete();
            await writer;
            await DdpMethods.OnDisconnectAsync(this);
        }
    }

    async Task ReadLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            var frame = await socket.ReceiveAsync(buffer, ct);
            if (frame.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                }
                return;
            }
            message.Write(buffer, 0, frame.Count);
            if (message.Length > MaxMessageBytes)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "Message too big", ct);
                return;
            }
            if (!frame.EndOfMessage) continue;
            var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            message.SetLength(0);
            await HandleAsync(text, ct);
        }
    }

    async Task WriteLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var json in _outbox.Reader.ReadAllAsync(ct))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException)
        {
            // Closed while writing.
        }
        finally
        {
            await _closed.CancelAsync();
        }
    }

    async Task HandleAsync(string text, CancellationToken ct)
    {
        JsonObject? message;
        try
        {
            message = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            message = null;
        }
        var kind = message?["msg"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : null;
        if (message is null || kind is null)
        {
            Send(DdpMessages.Error("Bad request", text));
            return;
        }
        if (!_connected && kind != "connect")
        {
            Send(DdpMessages.Error("Must connect first", message));
            return;
        }
        switch (kind)
        {
            case "connect":
                Connect(message);
                break;
            case "ping":
                Send(DdpMessages.Pong(message["id"]));
                break;
            case "pong":
                break;
            case "method":
                await CallAsync(message, ct);
                break;
            case "sub":
                await SubscribeAsync(message, ct);
                break;
            case "unsub":
                Unsubscribe(message);
                break;
            default:
                Send(DdpMessages.Error("Bad request", message));
                break;
        }
    }

    void Connect(JsonObject message)
    {
        if (_connected)
        {
            Send(DdpMessages.Error("Already connected", message));
            return;
        }
        var version = (string?)(message["version"] as JsonValue);
        if (version is null || !Versions.Contains(version))
        {
            // Meteor proposes the version it prefers and closes; the client retries with it.
            Send(DdpMessages.Failed(Versions[0]));
            _closed.CancelAfter(TimeSpan.FromMilliseconds(200));
            return;
        }
        _connected = true;
        Send(DdpMessages.Connected(Id));
    }

    async Task CallAsync(JsonObject message, CancellationToken ct)
    {
        var id = message["id"] as JsonValue;
        if (id is null || id.GetValueKind() != JsonValueKind.String
            || message["method"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String
            || (message["params"] is { } p && p is not JsonArray))
        {
            Send(DdpMessages.Error("Malformed method invocation", message));
            return;
        }
        var parameters = message["params"] as JsonArray ?? [];
        MethodOutcome outcome;
        try
        {
            outcome = await DdpMethods.CallAsync(this, name.GetValue<string>(), parameters, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogMethodFailed(logger, e, name.GetValue<string>());
            outcome = MethodOutcome.Fail(500, "Internal server error");
        }
        Send(MethodEndpoints.Result(id, outcome));
        Send(DdpMessages.Updated(id));
    }

    async Task SubscribeAsync(JsonObject message, CancellationToken ct)
    {
        if (message["id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String
            || message["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String
            || (message["params"] is { } p && p is not JsonArray))
        {
            Send(DdpMessages.Error("Malformed subscription", message));
            return;
        }
        var subId = id.GetValue<string>();
        if (_subscriptions.ContainsKey(subId))
        {
            // Meteor ignores a second sub with an id already in use.
            return;
        }
        if (_subscriptions.Count >= MaxSubscriptions)
        {
            // Each subscription costs an authorisation read and memory; a widget needs five, an agent app a few dozen.
            Send(DdpMessages.NoSub(subId, MethodOutcome.MeteorError("too-many-subscriptions", $"At most {MaxSubscriptions} subscriptions per connection")));
            return;
        }
        var refusal = await StreamAccess.AuthorizeAsync(this, subId, name.GetValue<string>(), message["params"] as JsonArray ?? [], ct);
        if (refusal.Subscription is { } subscription)
        {
            _subscriptions[subId] = subscription;
            hub.Add(subscription);
            Send(DdpMessages.Ready(subId));
        }
        else
        {
            Send(DdpMessages.NoSub(subId, refusal.Error));
        }
    }

    void Unsubscribe(JsonObject message)
    {
        if (message["id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String)
        {
            Send(DdpMessages.Error("Malformed unsubscription", message));
            return;
        }
        if (_subscriptions.TryRemove(id.GetValue<string>(), out var subscription))
        {
            hub.Remove(subscription);
        }
        Send(DdpMessages.NoSub(id.GetValue<string>(), null));
    }

    /// <summary>Stops the subscriptions that relied on the logged-in user (DDP <c>logout</c>, or a new login).</summary>
    public void DropUserSubscriptions()
    {
        foreach (var subscription in _subscriptions.Values.Where(s => s.UserId is not null))
        {
            if (_subscriptions.TryRemove(subscription.Id, out _))
            {
                hub.Remove(subscription);
                Send(DdpMessages.NoSub(subscription.Id, null));
            }
        }
    }

    public void Dispose() => _closed.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "DDP session {Session} fell behind by {Count} messages; disconnecting it")]
    static partial void LogSlowClient(ILogger logger, string session, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "DDP method {Method} failed")]
    static partial void LogMethodFailed(ILogger logger, Exception exception, string method);
}
