using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using Livechat.Server.Auth;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Methods;
using Livechat.Server.Operations;
using Livechat.Server.Presence;
using Livechat.Server.Security;

namespace Livechat.Server.Realtime;

/// <summary>
/// One DDP connection (Meteor's protocol, JSON text frames over a WebSocket). Incoming messages are handled one at a
/// time, in order, as Meteor does; outgoing ones go through a bounded queue drained by a single writer, so stream
/// events from any thread never interleave frames. A client that stops reading is disconnected rather than buffered.
/// </summary>
public sealed partial class DdpSession(WebSocket socket, IServiceScopeFactory scopes, StreamHub hub, RealtimeLimits limits, TimeProvider time,
    UserPresence presence, ILogger logger) : IDisposable
{
    const int MaxQueuedMessages = 2000;
    const int MaxMessageBytes = 1 << 20;
    static readonly string[] Versions = ["1", "pre2", "pre1"];

    /// <summary>Meteor's DDP rate limiter's error (<c>too-many-requests</c>) for a connection that sends too fast.</summary>
    static readonly JsonObject TooManyRequests = MethodOutcome.MeteorError("too-many-requests",
        "Error, too many requests. Please slow down. You must wait 1 seconds before trying again.");

    readonly Channel<string> _outbox = Channel.CreateBounded<string>(
        new BoundedChannelOptions(MaxQueuedMessages) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    readonly ConcurrentDictionary<string, StreamSubscription> _subscriptions = new(StringComparer.Ordinal);
    readonly CancellationTokenSource _closed = new();

    /// <summary>One message, method call, subscription or login check at a time: a check never races a subscription.</summary>
    readonly SemaphoreSlim _gate = new(1, 1);

    readonly TokenBucketRateLimiter _rate = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = limits.MessageBurst, TokensPerPeriod = limits.MessagesPerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0, AutoReplenishment = true,
    });

    bool _connected;
    Login? _login;

    /// <summary>Checks the login again when its token expires, so that subscriptions end then without waiting for a call.</summary>
    ITimer? _expiry;

    /// <summary>The DDP login: whose, and the hash of the token that proves it, checked again at every use.</summary>
    sealed record Login(string UserId, string TokenHash);

    public string Id { get; } = Ids.NewId();

    /// <summary>The user logged in with DDP <c>login</c> as last checked (<see cref="CurrentUserAsync"/>), or null.</summary>
    public CurrentUser? User { get; private set; }

    /// <summary>The id of the user logged in with DDP <c>login</c>, or null.</summary>
    public string? LoginUserId => _login?.UserId;

    /// <summary>The visitor token given to <c>livechat:setUpConnection</c> and found to be a visitor's, or null.</summary>
    public string? VisitorToken { get; set; }

    public RealtimeLimits Limits => limits;

    public IServiceScopeFactory Scopes => scopes;

    public StreamHub Hub => hub;

    /// <summary>Who is connected: a DDP login makes its user online while the connection lasts.</summary>
    public UserPresence Presence => presence;

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
        hub.Open(this);
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
            hub.Close(this);
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
            if (!_rate.AttemptAcquire().IsAcquired)
            {
                Send(TooFast(text));
                continue;
            }
            await _gate.WaitAsync(ct);
            try
            {
                await HandleAsync(text, ct);
            }
            finally
            {
                _gate.Release();
            }
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

    static JsonObject? ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    async Task HandleAsync(string text, CancellationToken ct)
    {
        var message = ParseObject(text);
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
                await presence.TouchAsync(Id, ct);
                await CallAsync(message, ct);
                break;
            case "sub":
                await presence.TouchAsync(Id, ct);
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
        Send(MeteorMethods.Result(id, outcome));
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
        if (_subscriptions.Count >= limits.MaxSubscriptionsPerConnection)
        {
            // Each subscription costs an authorisation read and memory.
            Send(DdpMessages.NoSub(subId, MethodOutcome.MeteorError("too-many-subscriptions",
                $"At most {limits.MaxSubscriptionsPerConnection} subscriptions per connection")));
            return;
        }
        StreamAccess.Decision refusal;
        try
        {
            refusal = await StreamAccess.AuthorizeAsync(this, subId, name.GetValue<string>(), message["params"] as JsonArray ?? [], ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // As a failed method: the connection and its other subscriptions go on.
            LogSubscriptionFailed(logger, e, name.GetValue<string>());
            refusal = new(null, MethodOutcome.MeteorError(500, "Internal server error"));
        }
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

    /// <summary>Logs the connection in (DDP <c>login</c>) until <paramref name="expires"/> (null: never); the subscriptions of an earlier login end.</summary>
    public void LogIn(CurrentUser user, string tokenHash, DateTime? expires)
    {
        LogOut();
        _login = new Login(user.Id, tokenHash);
        User = user;
        if (expires is { } end)
        {
            var at = new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc));
            _expiry = time.CreateTimer(_ => Expiring(at), null, DueBy(at), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Timers wait at most about 49 days: a longer wait is taken in steps.</summary>
    static readonly TimeSpan MaxTimerStep = TimeSpan.FromDays(40);

    TimeSpan DueBy(DateTimeOffset at)
    {
        var due = at - time.GetUtcNow();
        return due <= TimeSpan.Zero ? TimeSpan.Zero : due < MaxTimerStep ? due : MaxTimerStep;
    }

    void Expiring(DateTimeOffset at)
    {
        if (time.GetUtcNow() >= at)
        {
            Revalidate();
            return;
        }
        try
        {
            _expiry?.Change(DueBy(at), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Logged out meanwhile.
        }
    }

    /// <summary>DDP <c>logout</c>: the user's subscriptions end as an <c>unsub</c> would end them.</summary>
    public void LogOut()
    {
        EndUserSubscriptions(null);
        _login = null;
        User = null;
        _expiry?.Dispose();
        _expiry = null;
    }

    /// <summary>
    /// The logged-in user as their token stands now (through <see cref="AuthCache"/>): null when nobody logged in, or
    /// when the token was removed, expired or its user deactivated — the login is then dropped and every subscription
    /// made as the user ends with a <c>nosub</c> carrying Meteor's logged-out error.
    /// </summary>
    public async Task<CurrentUser?> CurrentUserAsync(IServiceProvider services, CancellationToken ct)
    {
        if (_login is not { } login) return null;
        var user = await services.GetRequiredService<AuthCache>()
            .ResolveAsync(services.GetRequiredService<LivechatDb>(), login.TokenHash, login.UserId, ct);
        if (user is null)
        {
            EndUserSubscriptions(MethodOutcome.MeteorError(403, ResumeTokens.LoggedOut));
            LogOut();
            return null;
        }
        User = user;
        return user;
    }

    /// <summary>
    /// Checks the login and every subscription made as the user again, after their tokens or roles changed
    /// (<see cref="AuthCache.Invalidated"/>): what no longer holds ends with a <c>nosub</c> and an error.
    /// </summary>
    public void Revalidate() => _ = RevalidateAsync();

    async Task RevalidateAsync()
    {
        try
        {
            await _gate.WaitAsync(_closed.Token);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await CurrentUserAsync(scope.ServiceProvider, _closed.Token) is not { } user) return;
                foreach (var subscription in _subscriptions.Values.Where(s => s.UserId is not null).ToList())
                {
                    if (!await StreamAccess.StillAllowedAsync(scope.ServiceProvider, user, subscription, _closed.Token))
                    {
                        End(subscription, MethodOutcome.MeteorError("not-allowed", null));
                    }
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The connection closed meanwhile: nothing left to check.
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // A later change, call or subscription checks again; the connection's state is unchanged.
            LogRevalidationFailed(logger, e, Id);
        }
    }

    /// <summary>Ends the subscriptions that relied on the logged-in user, with <paramref name="error"/> in their <c>nosub</c>.</summary>
    void EndUserSubscriptions(JsonObject? error)
    {
        foreach (var subscription in _subscriptions.Values.Where(s => s.UserId is not null)) End(subscription, error);
    }

    void End(StreamSubscription subscription, JsonObject? error)
    {
        if (!_subscriptions.TryRemove(subscription.Id, out _)) return;
        hub.Remove(subscription);
        Send(DdpMessages.NoSub(subscription.Id, error?.DeepClone().AsObject()));
    }

    /// <summary>The refusal of a message over the rate: a method's result, a subscription's <c>nosub</c>, else an <c>error</c>.</summary>
    static JsonObject TooFast(string text)
    {
        var message = ParseObject(text);
        var id = message?["id"] as JsonValue;
        return (message?["msg"] as JsonValue)?.ToString() switch
        {
            "method" when id is not null => MeteorMethods.Result(id, MethodOutcome.Fail("too-many-requests", (string?)TooManyRequests["reason"])),
            "sub" when id?.GetValueKind() == JsonValueKind.String => DdpMessages.NoSub(id.GetValue<string>(), TooManyRequests.DeepClone().AsObject()),
            _ => DdpMessages.Refused("too-many-requests", (string)TooManyRequests["reason"]!),
        };
    }

    /// <summary>Refuses a connection before any DDP: one <c>error</c> message, then the socket closes.</summary>
    public static async Task RefuseAsync(WebSocket socket, JsonObject error, CancellationToken ct)
    {
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(Ejson.Stringify(error)), WebSocketMessageType.Text, true, ct);
            await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, (string?)error["error"], ct);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client left first.
        }
    }

    public void Dispose()
    {
        _expiry?.Dispose();
        _closed.Dispose();
        _gate.Dispose();
        _rate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DDP session {Session} fell behind by {Count} messages; disconnecting it")]
    static partial void LogSlowClient(ILogger logger, string session, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DDP session {Session} could not check its login again")]
    static partial void LogRevalidationFailed(ILogger logger, Exception exception, string session);

    [LoggerMessage(Level = LogLevel.Error, Message = "DDP subscription to {Stream} failed")]
    static partial void LogSubscriptionFailed(ILogger logger, Exception exception, string stream);

    [LoggerMessage(Level = LogLevel.Error, Message = "DDP method {Method} failed")]
    static partial void LogMethodFailed(ILogger logger, Exception exception, string method);
}
