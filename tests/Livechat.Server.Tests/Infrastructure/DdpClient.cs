using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>A DDP client over the test server's WebSocket: sends JSON messages and waits for the ones a test expects.</summary>
public sealed class DdpClient : IAsyncDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    readonly WebSocket _socket;
    readonly Channel<JsonObject> _received = Channel.CreateUnbounded<JsonObject>();
    readonly List<JsonObject> _unclaimed = [];
    readonly CancellationTokenSource _stop = new();
    readonly Task _reader;
    int _nextId;

    DdpClient(WebSocket socket)
    {
        _socket = socket;
        _reader = ReadAsync();
    }

    /// <summary>Opens a socket to <c>/websocket</c> without sending anything.</summary>
    public static async Task<DdpClient> OpenAsync(WebApplicationFactory<Program> factory)
    {
        var client = factory.Server.CreateWebSocketClient();
        var socket = await client.ConnectAsync(new Uri(factory.Server.BaseAddress, "/websocket"), CancellationToken.None);
        return new DdpClient(socket);
    }

    /// <summary>Opens a socket and completes the <c>connect</c> handshake.</summary>
    public static async Task<DdpClient> ConnectAsync(WebApplicationFactory<Program> factory)
    {
        var ddp = await OpenAsync(factory);
        await ddp.SendAsync(new { msg = "connect", version = "1", support = new[] { "1", "pre2", "pre1" } });
        await ddp.NextAsync(m => (string?)m["msg"] == "connected");
        return ddp;
    }

    /// <summary>An agent's connection: handshake, then DDP <c>login</c> with the user's REST token.</summary>
    public static async Task<DdpClient> LoginAsync(LivechatServerFactory factory, TestUser user)
    {
        var ddp = await ConnectAsync(factory);
        var result = await ddp.CallAsync("login", new { resume = user.Api.Token });
        Assert.Null(result["error"]);
        return ddp;
    }

    public Task SendAsync(object message) => SendRawAsync(JsonSerializer.Serialize(message));

    public Task SendRawAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Calls a method and returns its <c>result</c> message (with <c>result</c> or <c>error</c>).</summary>
    public async Task<JsonObject> CallAsync(string method, params object?[] parameters)
    {
        var id = $"m{Interlocked.Increment(ref _nextId)}";
        await SendAsync(new { msg = "method", id, method, @params = parameters });
        return await NextAsync(m => (string?)m["msg"] == "result" && (string?)m["id"] == id);
    }

    /// <summary>Subscribes and returns the answer: <c>ready</c> or <c>nosub</c>.</summary>
    public async Task<JsonObject> SubscribeAsync(string name, params object?[] parameters)
    {
        var id = $"s{Interlocked.Increment(ref _nextId)}";
        await SendAsync(new { msg = "sub", id, name, @params = parameters });
        return await NextAsync(m => ((string?)m["msg"] == "ready" && m["subs"]?[0]?.GetValue<string>() == id)
            || ((string?)m["msg"] == "nosub" && (string?)m["id"] == id));
    }

    /// <summary>The widget's way to subscribe to a room stream: <c>[eventName, {useCollection: false, args: [{token, visitorToken}]}]</c>.</summary>
    public Task<JsonObject> SubscribeAsVisitorAsync(string name, string eventName, string token) =>
        SubscribeAsync(name, eventName, new { useCollection = false, args = new[] { new { token, visitorToken = token } } });

    public Task<JsonObject> SubscribeAsUserAsync(string name, string eventName) =>
        SubscribeAsync(name, eventName, new { useCollection = false, args = Array.Empty<object>() });

    /// <summary>The first message (received earlier and not yet claimed, or arriving within the timeout) that matches.</summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match)
    {
        var earlier = _unclaimed.FirstOrDefault(match);
        if (earlier is not null)
        {
            _unclaimed.Remove(earlier);
            return earlier;
        }
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                var message = await _received.Reader.ReadAsync(timeout.Token);
                if (match(message)) return message;
                _unclaimed.Add(message);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching DDP message; received: {string.Join(" | ", _unclaimed.Select(m => m.ToJsonString()))}");
        }
    }

    /// <summary>The next stream event of <paramref name="stream"/>/<paramref name="eventName"/>, as its <c>args</c>.</summary>
    public async Task<JsonArray> NextEventAsync(string stream, string eventName, Func<JsonArray, bool>? match = null)
    {
        var changed = await NextAsync(m => (string?)m["msg"] == "changed" && (string?)m["collection"] == stream
            && (string?)m["fields"]?["eventName"] == eventName && (match is null || match(m["fields"]!["args"]!.AsArray())));
        return changed["fields"]!["args"]!.AsArray();
    }

    /// <summary>
    /// No event of <paramref name="stream"/> (and <paramref name="eventName"/>, and naming <paramref name="mentioning"/>
    /// anywhere, when given) came before a ping's answer: call it after another subscriber received the event.
    /// </summary>
    public async Task AssertNoEventAsync(string stream, string? eventName = null, string? mentioning = null)
    {
        await PingPongAsync();
        Assert.DoesNotContain(_unclaimed, m => (string?)m["msg"] == "changed" && (string?)m["collection"] == stream
            && (eventName is null || (string?)m["fields"]?["eventName"] == eventName)
            && (mentioning is null || m.ToJsonString().Contains(mentioning, StringComparison.Ordinal)));
    }

    /// <summary>Every message received so far and not claimed by a wait (a ping's answer marks "so far"); they stay unclaimed.</summary>
    public async Task<IReadOnlyList<JsonObject>> ReceivedSoFarAsync()
    {
        await PingPongAsync();
        return [.. _unclaimed];
    }

    /// <summary>Every event of <paramref name="stream"/>/<paramref name="eventName"/> received before a ping's answer, claimed, as their <c>args</c>.</summary>
    public async Task<List<JsonArray>> TakeEventsAsync(string stream, string eventName)
    {
        await PingPongAsync();
        var events = _unclaimed.Where(m => (string?)m["msg"] == "changed" && (string?)m["collection"] == stream
            && (string?)m["fields"]?["eventName"] == eventName).ToList();
        _unclaimed.RemoveAll(events.Contains);
        return events.Select(m => m["fields"]!["args"]!.AsArray()).ToList();
    }

    /// <summary>A ping's pong comes back after every message the server queued before it.</summary>
    async Task PingPongAsync()
    {
        var id = $"p{Interlocked.Increment(ref _nextId)}";
        await SendAsync(new { msg = "ping", id });
        await NextAsync(m => (string?)m["msg"] == "pong" && (string?)m["id"] == id);
    }

    async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var frame = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (frame.MessageType == WebSocketMessageType.Close) break;
                text.Write(buffer, 0, frame.Count);
                if (!frame.EndOfMessage) continue;
                if (JsonNode.Parse(Encoding.UTF8.GetString(text.ToArray())) is JsonObject message) _received.Writer.TryWrite(message);
                text.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        _received.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
            {
                // The server closed it meanwhile.
            }
        }
        await _stop.CancelAsync();
        await _reader;
        _socket.Dispose();
        _stop.Dispose();
    }
}

public static class DdpJson
{
    static readonly System.Text.Json.JsonSerializerOptions Relaxed =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The message as the server wrote it (EJSON.stringify escapes nothing JSON does not require).</summary>
    public static string Text(this JsonNode node) => node.ToJsonString(Relaxed);
}
