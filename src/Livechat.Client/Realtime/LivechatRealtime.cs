using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Livechat.Client;

/// <summary>
/// The realtime connection: Meteor's DDP over <c>/websocket</c>. It logs in with the <see cref="LivechatClient"/>'s
/// token, calls methods and subscribes to Rocket.Chat's streams. When the connection drops it reconnects by itself,
/// logs in again and renews every subscription (<see cref="ConnectionStateChanged"/> tells the UI). No thread ever
/// blocks, so it runs in the browser (WebAssembly) as on a server.
/// </summary>
public sealed class LivechatRealtime : IAsyncDisposable
{
    public const string RoomMessagesStream = "stream-room-messages";
    public const string NotifyRoomStream = "stream-notify-room";
    public const string LivechatRoomStream = "stream-livechat-room";
    public const string NotifyUserStream = "stream-notify-user";

    readonly LivechatClient _client;
    readonly RealtimeOptions _options;
    readonly Uri _endpoint;
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _calls = new(StringComparer.Ordinal);
    readonly Dictionary<string, ServerSubscription> _subscriptions = new(StringComparer.Ordinal);
    readonly object _gate = new();
    readonly SemaphoreSlim _sending = new(1, 1);
    volatile Connection? _connection;
    Task? _supervisor;
    long _nextId;

    public LivechatRealtime(LivechatClient client, RealtimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new RealtimeOptions();
        _endpoint = _options.Endpoint ?? DefaultEndpoint(client.BaseAddress);
    }

    public RealtimeState State { get; private set; } = RealtimeState.Disconnected;

    /// <summary>Raised on every state change (show "Reconnecting…" while <see cref="RealtimeState.Reconnecting"/>).</summary>
    public event EventHandler<RealtimeStateChangedEventArgs>? ConnectionStateChanged;

    /// <summary>Raised after a reconnect has logged in and the server has confirmed every subscription again: refetch what may have been missed meanwhile.</summary>
    public event EventHandler? Reconnected;

    /// <summary>The session id the server gave this connection (changes on reconnect).</summary>
    public string? SessionId => _connection?.SessionId;

    /// <summary>Opens the connection and logs in (when the client is logged in); reconnects by itself from then on.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(State == RealtimeState.Closed, this);
        if (State != RealtimeState.Disconnected) return;
        SetState(RealtimeState.Connecting, null);
        try
        {
            await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SetState(RealtimeState.Disconnected, e);
            throw;
        }
        _supervisor = SuperviseAsync();
    }

    /// <summary>Calls a DDP method and returns its <c>result</c> (EJSON dates as ISO strings).</summary>
    public async Task<JsonElement> CallAsync(string method, params JsonNode?[] args)
    {
        var connection = _connection is { } c && State == RealtimeState.Connected ? c
            : throw new LivechatRealtimeException($"Not connected ({State}).");
        return await CallAsync(connection, method, args, _stop.Token).ConfigureAwait(false);
    }

    /// <summary>Calls a DDP method and reads its result as <typeparamref name="T"/>.</summary>
    public async Task<T?> CallAsync<T>(string method, JsonTypeInfo<T> resultType, params JsonNode?[] args) =>
        (await CallAsync(method, args).ConfigureAwait(false)).Deserialize(resultType);

    /// <summary>
    /// Subscribes to <paramref name="eventName"/> of <paramref name="stream"/> (sent as Rocket.Chat's
    /// <c>[eventName, {useCollection: false, args}]</c>). Subscribing again to the same event shares the server
    /// subscription. Works before <see cref="ConnectAsync"/> and across reconnects.
    /// </summary>
    public RealtimeSubscription<StreamEvent> Subscribe(string stream, string eventName, params JsonNode?[] args) =>
        Subscribe(stream, eventName, args, e => e);

    /// <summary>New and edited messages of a room (<c>stream-room-messages</c>).</summary>
    public RealtimeSubscription<Message> SubscribeRoomMessages(string roomId) =>
        Subscribe(RoomMessagesStream, roomId, [], e => e.Arg(0, LivechatJsonContext.Default.Message));

    /// <summary>New and edited messages of every room the logged-in agent serves (<c>__my_messages__</c>).</summary>
    public RealtimeSubscription<Message> SubscribeMyMessages() =>
        Subscribe(RoomMessagesStream, "__my_messages__", [], e => e.Arg(0, LivechatJsonContext.Default.Message));

    /// <summary>Ids of a room's deleted messages (<c>stream-notify-room</c> <c>&lt;rid&gt;/deleteMessage</c>).</summary>
    public RealtimeSubscription<string> SubscribeDeletedMessages(string roomId) =>
        Subscribe(NotifyRoomStream, roomId + "/deleteMessage", [],
            e => e.Count > 0 && e.Args[0].TryGetProperty("_id", out var id) ? id.GetString() : null);

    /// <summary>The logged-in agent's rooms entering, changing in and leaving their list (<c>&lt;userId&gt;/rooms-changed</c>).</summary>
    public RealtimeSubscription<RoomsChangedEvent> SubscribeRoomsChanged() =>
        Subscribe(NotifyUserStream, RequireUser() + "/rooms-changed", [], e => e.Count >= 2 && e.Args[0].GetString() is { } action
            && e.Args[1].Deserialize(LivechatJsonContext.Default.Room) is { } room ? new RoomsChangedEvent(action, room) : null);

    /// <summary>
    /// Desktop notifications for the logged-in agent (<c>&lt;userId&gt;/notification</c>), such as "New chat in queue"
    /// when a chat the agent could take starts waiting: a cue to refetch the queue.
    /// </summary>
    public RealtimeSubscription<AgentNotification> SubscribeNotifications() =>
        Subscribe(NotifyUserStream, RequireUser() + "/notification", [], e => e.Count > 0 ? Notification(e.Args[0]) : null);

    static AgentNotification? Notification(JsonElement data) =>
        data.ValueKind != JsonValueKind.Object ? null : new AgentNotification(Text(data, "title") ?? "", Text(data, "text") ?? "",
            data.TryGetProperty("payload", out var payload) ? Text(payload, "rid") : null, data);

    /// <summary>A room's own changes, visitor changes, agent and queue data (<c>stream-livechat-room</c>).</summary>
    public RealtimeSubscription<LivechatRoomEvent> SubscribeRoom(string roomId) =>
        Subscribe(LivechatRoomStream, roomId, [], e => e.Count > 0 ? RoomEvent(e.Args[0]) : null);

    static LivechatRoomEvent? RoomEvent(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("type", out var type)) return null;
        var payload = data.TryGetProperty("data", out var d) ? d : (JsonElement?)null;
        return new LivechatRoomEvent
        {
            Type = type.GetString() ?? "",
            Data = payload,
            Room = type.GetString() == "roomData" && payload is { } room ? room.Deserialize(LivechatJsonContext.Default.Room) : null,
            Visitor = data.TryGetProperty("visitor", out var visitor) ? visitor.Deserialize(LivechatJsonContext.Default.Visitor) : null,
        };
    }

    string RequireUser() => _client.UserId ?? throw new InvalidOperationException("Log in first.");

    RealtimeSubscription<T> Subscribe<T>(string stream, string eventName, JsonNode?[] args, Func<StreamEvent, T?> map)
    {
        ObjectDisposedException.ThrowIf(State == RealtimeState.Closed, this);
        var key = stream + "\n" + eventName;
        ServerSubscription server;
        bool created;
        lock (_gate)
        {
            created = !_subscriptions.TryGetValue(key, out server!);
            if (created)
            {
                server = new ServerSubscription(NextId("s"), stream, eventName, SubscriptionParams(eventName, args));
                _subscriptions[key] = server;
            }
        }
        var local = new RealtimeSubscription<T>(stream, eventName, server.Ready.Task, map, s => UnsubscribeAsync(key, s));
        lock (server.Locals) server.Locals.Add(local);
        if (created && _connection is { } connection && State == RealtimeState.Connected)
        {
            // Sent here or by the (re)connect's renewal, whichever comes first: SendSubscribeAsync sends once per connection.
            _ = SendSubscribeAsync(connection, server);
        }
        return local;
    }

    async ValueTask UnsubscribeAsync(string key, ILocalSubscription local)
    {
        ServerSubscription? server;
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(key, out server)) return;
            lock (server.Locals)
            {
                if (!server.Locals.Remove(local) || server.Locals.Count > 0) return;
            }
            _subscriptions.Remove(key);
        }
        if (_connection is { } connection && State == RealtimeState.Connected)
        {
            await TrySendAsync(connection, new JsonObject { ["msg"] = "unsub", ["id"] = server.Id }).ConfigureAwait(false);
        }
    }

    static JsonArray SubscriptionParams(string eventName, JsonNode?[] args)
    {
        var extra = new JsonArray();
        foreach (var arg in args) extra.Add(arg?.DeepClone());
        return [eventName, new JsonObject { ["useCollection"] = false, ["args"] = extra }];
    }

    async Task SendSubscribeAsync(Connection connection, ServerSubscription server)
    {
        lock (_gate)
        {
            if (server.SentOn == connection) return;
            server.SentOn = connection;
            server.Confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        await TrySendAsync(connection, new JsonObject
        {
            ["msg"] = "sub", ["id"] = server.Id, ["name"] = server.Stream, ["params"] = server.Params.DeepClone(),
        }).ConfigureAwait(false);
    }

    /// <summary>Connects, shakes hands, logs in and subscribes again to everything subscribed.</summary>
    async Task OpenAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        timeout.CancelAfter(_options.CallTimeout);
        var socket = await (_options.ConnectWebSocket ?? DefaultConnectAsync)(_endpoint, timeout.Token).ConfigureAwait(false);
        var connection = new Connection(socket);
        connection.Reader = ReadLoopAsync(connection);
        try
        {
            await SendAsync(connection, new JsonObject
            {
                ["msg"] = "connect", ["version"] = "1", ["support"] = new JsonArray("1", "pre2", "pre1"),
            }, timeout.Token).ConfigureAwait(false);
            connection.SessionId = await connection.Connected.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            if (_client.AuthToken is { } token)
            {
                await CallAsync(connection, "login", [new JsonObject { ["resume"] = token }], timeout.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            connection.Abort();
            throw;
        }
        _connection = connection;
        // Connected first, then the renewal: a Subscribe racing with it is sent by one of the two (never by neither).
        SetState(RealtimeState.Connected, null);
        ServerSubscription[] renew;
        lock (_gate) renew = [.. _subscriptions.Values];
        foreach (var server in renew) await SendSubscribeAsync(connection, server).ConfigureAwait(false);
        connection.Pinger = PingLoopAsync(connection);
        try
        {
            // Only once the server has confirmed them do the subscriptions see every new event: a refetch after
            // Reconnected then misses nothing.
            var confirmed = Task.WhenAll(renew.Select(s => s.Confirmed.Task));
            if (await Task.WhenAny(confirmed, connection.Reader).WaitAsync(_options.CallTimeout, ct).ConfigureAwait(false) != confirmed)
            {
                throw new LivechatRealtimeException("The realtime connection was lost while subscribing.");
            }
        }
        catch (TimeoutException)
        {
            // The subscriptions still work when their answers come late.
        }
    }

    /// <summary>Waits for the connection to drop, then reconnects (with backoff) until disposed or the login is refused.</summary>
    async Task SuperviseAsync()
    {
        while (_connection is { } connection)
        {
            var error = await connection.Reader!.ConfigureAwait(false);
            if (_stop.IsCancellationRequested) return;
            SetState(RealtimeState.Reconnecting, error);
            for (var attempt = 0; ; attempt++)
            {
                var delays = _options.ReconnectDelays;
                try
                {
                    await Task.Delay(delays.Count == 0 ? TimeSpan.Zero : delays[Math.Min(attempt, delays.Count - 1)], _stop.Token)
                        .ConfigureAwait(false);
                    await OpenAsync(_stop.Token).ConfigureAwait(false);
                    Reconnected?.Invoke(this, EventArgs.Empty);
                    break;
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (LivechatRealtimeException e) when (e.Error is not null)
                {
                    // The server refused the login (token revoked): retrying cannot help.
                    _connection = null;
                    SetState(RealtimeState.Disconnected, e);
                    return;
                }
                catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or LivechatRealtimeException
                    or HttpRequestException or InvalidOperationException)
                {
                    SetState(RealtimeState.Reconnecting, e);
                }
            }
        }
    }

    async Task<JsonElement> CallAsync(Connection connection, string method, JsonNode?[] args, CancellationToken ct)
    {
        var id = NextId("m");
        var result = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = result;
        try
        {
            var parameters = new JsonArray();
            foreach (var arg in args) parameters.Add(arg?.DeepClone());
            await SendAsync(connection, new JsonObject { ["msg"] = "method", ["id"] = id, ["method"] = method, ["params"] = parameters }, ct)
                .ConfigureAwait(false);
            return await result.Task.WaitAsync(_options.CallTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new LivechatRealtimeException($"The method '{method}' got no answer within {_options.CallTimeout}.", e);
        }
        finally
        {
            _calls.TryRemove(id, out _);
        }
    }

    async Task PingLoopAsync(Connection connection)
    {
        try
        {
            while (!connection.Closed.IsCancellationRequested)
            {
                await Task.Delay(_options.PingInterval, connection.Closed.Token).ConfigureAwait(false);
                if (Environment.TickCount64 - connection.LastReceived > (_options.PingInterval + _options.PongTimeout).TotalMilliseconds)
                {
                    // Nothing came back, not even the last pong: the connection is dead without knowing it.
                    connection.Abort();
                    return;
                }
                await TrySendAsync(connection, new JsonObject { ["msg"] = "ping", ["id"] = NextId("p") }).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads until the socket closes; answers with the error that ended it (null for a clean close).</summary>
    async Task<Exception?> ReadLoopAsync(Connection connection)
    {
        await Task.Yield();
        var buffer = new byte[16 * 1024];
        using var text = new MemoryStream();
        Exception? error = null;
        try
        {
            while (connection.Socket.State == WebSocketState.Open)
            {
                var frame = await connection.Socket.ReceiveAsync(buffer, connection.Closed.Token).ConfigureAwait(false);
                if (frame.MessageType == WebSocketMessageType.Close) break;
                text.Write(buffer, 0, frame.Count);
                if (!frame.EndOfMessage) continue;
                connection.LastReceived = Environment.TickCount64;
                Dispatch(connection, text.GetBuffer().AsMemory(0, (int)text.Length));
                text.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException)
        {
            error = e;
        }
        connection.Connected.TrySetException(error ?? new LivechatRealtimeException("The server closed the connection."));
        connection.Abort();
        // Calls in flight (a reconnect's login too) cannot be answered any more.
        FailCalls(new LivechatRealtimeException("The realtime connection was lost.", error ?? new IOException("closed")));
        return error;
    }

    void Dispatch(Connection connection, ReadOnlyMemory<byte> json)
    {
        JsonElement message;
        try
        {
            using var document = JsonDocument.Parse(json);
            message = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return;
        }
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("msg", out var kind)) return;
        switch (kind.GetString())
        {
            case "connected":
                connection.Connected.TrySetResult(Text(message, "session") ?? "");
                break;
            case "failed":
                connection.Connected.TrySetException(new LivechatRealtimeException($"The server speaks DDP {Text(message, "version")} only."));
                break;
            case "ping":
                var pong = new JsonObject { ["msg"] = "pong" };
                if (Text(message, "id") is { } pingId) pong["id"] = pingId;
                _ = TrySendAsync(connection, pong);
                break;
            case "result":
                OnResult(message);
                break;
            case "ready":
                OnReady(message);
                break;
            case "nosub":
                OnNoSub(message);
                break;
            case "changed":
                OnChanged(message);
                break;
        }
    }

    void OnResult(JsonElement message)
    {
        if (Text(message, "id") is not { } id || !_calls.TryRemove(id, out var call)) return;
        if (message.TryGetProperty("error", out var error))
        {
            call.TrySetException(Failure(error));
            return;
        }
        call.TrySetResult(message.TryGetProperty("result", out var result) ? Ejson.ToPlain(result) : default);
    }

    void OnReady(JsonElement message)
    {
        if (!message.TryGetProperty("subs", out var subs) || subs.ValueKind != JsonValueKind.Array) return;
        lock (_gate)
        {
            foreach (var id in subs.EnumerateArray())
            {
                if (_subscriptions.Values.FirstOrDefault(s => s.Id == id.GetString()) is { } server)
                {
                    server.Ready.TrySetResult();
                    server.Confirmed.TrySetResult();
                }
            }
        }
    }

    void OnNoSub(JsonElement message)
    {
        ServerSubscription? server;
        lock (_gate)
        {
            server = _subscriptions.Values.FirstOrDefault(s => s.Id == Text(message, "id"));
            if (server is null) return;
            _subscriptions.Remove(server.Stream + "\n" + server.EventName);
        }
        var error = message.TryGetProperty("error", out var e) ? Failure(e) : new LivechatRealtimeException("The server ended the subscription.");
        server.Ready.TrySetException(error);
        server.Confirmed.TrySetResult();
        foreach (var local in server.Snapshot()) local.Fail(error);
    }

    void OnChanged(JsonElement message)
    {
        if (Text(message, "collection") is not { } stream || !message.TryGetProperty("fields", out var fields)
            || Text(fields, "eventName") is not { } eventName) return;
        ServerSubscription? server;
        lock (_gate) _subscriptions.TryGetValue(stream + "\n" + eventName, out server);
        if (server is null) return;
        var args = fields.TryGetProperty("args", out var a) ? Ejson.ToPlain(a) : default;
        var e = new StreamEvent(stream, eventName, args);
        foreach (var local in server.Snapshot()) local.Deliver(e);
    }

    static LivechatRealtimeException Failure(JsonElement error) =>
        new(error.TryGetProperty("error", out var code) ? code.ToString() : "error", Text(error, "reason") ?? Text(error, "message"), error);

    static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;

    async Task SendAsync(Connection connection, JsonObject message, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sending.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await connection.Socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Sends without failing: a send on a dying connection is repeated by the reconnect, or not needed anymore.</summary>
    async Task TrySendAsync(Connection connection, JsonObject message)
    {
        try
        {
            await SendAsync(connection, message, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException
            or InvalidOperationException)
        {
            connection.Abort();
        }
    }

    void FailCalls(Exception error)
    {
        foreach (var id in _calls.Keys)
        {
            if (_calls.TryRemove(id, out var call)) call.TrySetException(error);
        }
    }

    void SetState(RealtimeState state, Exception? error)
    {
        if (State == RealtimeState.Closed) return;
        State = state;
        ConnectionStateChanged?.Invoke(this, new RealtimeStateChangedEventArgs(state, error));
    }

    string NextId(string prefix) => prefix + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    static Uri DefaultEndpoint(Uri server)
    {
        var builder = new UriBuilder(new Uri(server, "websocket")) { Scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" };
        return builder.Uri;
    }

    static async Task<WebSocket> DefaultConnectAsync(Uri uri, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, ct).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Closes the connection and ends every subscription.</summary>
    public async ValueTask DisposeAsync()
    {
        if (State == RealtimeState.Closed) return;
        SetState(RealtimeState.Closed, null);
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_connection is { } connection)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException
                or InvalidOperationException)
            {
            }
            connection.Abort();
        }
        if (_supervisor is not null) await _supervisor.ConfigureAwait(false);
        // A reconnect that completed while we were closing.
        _connection?.Abort();
        FailCalls(new ObjectDisposedException(nameof(LivechatRealtime)));
        ServerSubscription[] all;
        lock (_gate)
        {
            all = [.. _subscriptions.Values];
            _subscriptions.Clear();
        }
        foreach (var server in all)
        {
            server.Ready.TrySetCanceled();
            foreach (var local in server.Snapshot()) local.Fail(new ObjectDisposedException(nameof(LivechatRealtime)));
        }
        _stop.Dispose();
        _sending.Dispose();
    }

    /// <summary>One WebSocket and what belongs to it.</summary>
    sealed class Connection(WebSocket socket)
    {
        public WebSocket Socket { get; } = socket;
        public CancellationTokenSource Closed { get; } = new();
        public TaskCompletionSource<string> Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task<Exception?>? Reader { get; set; }
        public Task? Pinger { get; set; }
        public string? SessionId { get; set; }
        public long LastReceived { get; set; } = Environment.TickCount64;

        public void Abort()
        {
            if (Closed.IsCancellationRequested) return;
            Closed.Cancel();
            Socket.Abort();
            Socket.Dispose();
        }
    }

    /// <summary>One subscription on the server, shared by the local subscriptions to the same event.</summary>
    sealed class ServerSubscription(string id, string stream, string eventName, JsonArray parameters)
    {
        public string Id { get; } = id;
        public string Stream { get; } = stream;
        public string EventName { get; } = eventName;
        public JsonArray Params { get; } = parameters;
        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<ILocalSubscription> Locals { get; } = [];

        /// <summary>The connection the <c>sub</c> message went to (sent once per connection).</summary>
        public Connection? SentOn { get; set; }

        /// <summary>Completes when the server answered the latest <c>sub</c> (ready or nosub).</summary>
        public TaskCompletionSource Confirmed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ILocalSubscription[] Snapshot()
        {
            lock (Locals) return [.. Locals];
        }
    }
}
