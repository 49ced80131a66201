using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Livechat.Client;

public enum RealtimeState
{
    /// <summary>Not connected (before <see cref="LivechatRealtime.ConnectAsync"/>, or after the server refused the login).</summary>
    Disconnected,
    Connecting,
    Connected,

    /// <summary>The connection dropped; the client is connecting again and will log in and resubscribe by itself.</summary>
    Reconnecting,

    /// <summary>Disposed.</summary>
    Closed,
}

public sealed class RealtimeStateChangedEventArgs(RealtimeState state, Exception? error) : EventArgs
{
    public RealtimeState State { get; } = state;

    /// <summary>Why the connection dropped or failed, when known.</summary>
    public Exception? Error { get; } = error;
}

/// <summary>How <see cref="LivechatRealtime"/> connects; the defaults suit a browser and a server.</summary>
public sealed record RealtimeOptions
{
    /// <summary>The DDP endpoint; by default <c>ws(s)://&lt;server&gt;/websocket</c> from the client's base address.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Opens the WebSocket; by default a <see cref="ClientWebSocket"/> (tests pass the test server's).</summary>
    public Func<Uri, CancellationToken, Task<WebSocket>>? ConnectWebSocket { get; init; }

    /// <summary>How often the client pings the server; a connection silent for this long plus <see cref="PongTimeout"/> is dropped and reopened.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(25);

    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a method call or the handshake may take.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Waits between reconnection attempts; the last one repeats.</summary>
    public IReadOnlyList<TimeSpan> ReconnectDelays { get; init; } =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];
}

/// <summary>One event of a stream: its name and arguments (EJSON dates already turned into ISO strings).</summary>
public sealed class StreamEvent(string stream, string eventName, JsonElement args)
{
    public string Stream { get; } = stream;

    public string EventName { get; } = eventName;

    /// <summary>The event's arguments (a JSON array).</summary>
    public JsonElement Args { get; } = args;

    public int Count => Args.ValueKind == JsonValueKind.Array ? Args.GetArrayLength() : 0;

    /// <summary>Argument <paramref name="index"/> as <typeparamref name="T"/>.</summary>
    public T? Arg<T>(int index, JsonTypeInfo<T> type) => index < Count ? Args[index].Deserialize(type) : default;
}

/// <summary><c>stream-notify-user</c> <c>&lt;userId&gt;/rooms-changed</c>: a room entered (<c>inserted</c>), changed in (<c>updated</c>) or left (<c>removed</c>) the agent's list.</summary>
public sealed record RoomsChangedEvent(string Action, Room Room);

/// <summary>A notification for the agent: its title and text, the room it concerns, and the whole event.</summary>
public sealed record AgentNotification(string Title, string Text, string? RoomId, JsonElement Raw);

/// <summary>
/// <c>stream-livechat-room</c>: <c>roomData</c> (the room changed: <see cref="Room"/>), <c>visitorData</c>
/// (<see cref="Visitor"/>), <c>agentData</c> or <c>queueData</c> (<see cref="Data"/>).
/// </summary>
public sealed record LivechatRoomEvent
{
    public string Type { get; init; } = "";

    [JsonIgnore] public Room? Room { get; init; }

    public Visitor? Visitor { get; init; }

    public JsonElement? Data { get; init; }
}

/// <summary>A DDP method failed, or the realtime connection is not usable.</summary>
public sealed class LivechatRealtimeException : Exception
{
    public LivechatRealtimeException()
    {
    }

    public LivechatRealtimeException(string message)
        : base(message)
    {
    }

    public LivechatRealtimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LivechatRealtimeException(string error, string? reason, JsonElement? details = null)
        : base(reason is null ? error : $"{reason} [{error}]")
    {
        Error = error;
        Reason = reason;
        Details = details;
    }

    /// <summary>The Meteor error code (<c>403</c>, <c>not-allowed</c>…), as text.</summary>
    public string? Error { get; }

    public string? Reason { get; }

    /// <summary>The whole DDP error object.</summary>
    public JsonElement? Details { get; }
}
