using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Client.Tests;

/// <summary><see cref="LivechatRealtime"/> against the server's <c>/websocket</c>: login, methods, streams, reconnect.</summary>
public abstract class RealtimeTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : LivechatServerFactory
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ASubscribedRoomDeliversNewMessages()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var client = await factory.ClientAsync(agent);
        await using var realtime = factory.Realtime(client);
        await realtime.ConnectAsync();
        await using var messages = realtime.SubscribeRoomMessages(rid);
        await messages.Ready.WaitAsync(Wait);
        var raised = new List<Message>();
        messages.Received += (_, m) => raised.Add(m);

        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "Is anyone there?" })).Ok();
        var received = await NextAsync(messages);

        Assert.Equal(RealtimeState.Connected, realtime.State);
        Assert.Equal(("Is anyone there?", rid, null), (received.Msg, received.Rid, received.Token));   // no visitor token for staff
        Assert.True(received.Ts > DateTime.UtcNow.AddMinutes(-1));
        Assert.Equal(received, Assert.Single(raised));
    }

    [Fact]
    public async Task ASavedChangeReachesTheServingAgentsListAndTheRoomsWatchers()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var client = await factory.ClientAsync(agent);
        await using var realtime = factory.Realtime(client);
        await realtime.ConnectAsync();
        await using var mine = realtime.SubscribeRoomsChanged();
        await using var watched = realtime.SubscribeRoom(rid);
        await Task.WhenAll(mine.Ready, watched.Ready).WaitAsync(Wait);
        using var admin = await factory.AdminClientAsync();

        var saved = await admin.Rooms.SaveInfoAsync(RoomsTests<TFactory>.Edit(room, topic: "Refund", name: "Ann Example"));
        var changed = await NextAsync(mine, e => e.Room.Topic == "Refund");
        var roomData = await NextAsync(watched, e => e.Type == "roomData");
        var visitorData = await NextAsync(watched, e => e.Type == "visitorData");

        Assert.Equal(("updated", rid, saved.Room!.Version), (changed.Action, changed.Room.Id, changed.Room.Version));
        Assert.Equal(("Refund", "Ann Example", saved.ETag), (roomData.Room!.Topic, roomData.Room.Fname, roomData.Room.ETag));
        Assert.Equal("Ann Example", visitorData.Visitor!.Name);
    }

    [Fact]
    public async Task AWaitingChatNotifiesTheAgentsWhoCouldTakeIt()
    {
        var agent = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(agent);
        await using var realtime = factory.Realtime(client);
        await realtime.ConnectAsync();
        await using var notifications = realtime.SubscribeNotifications();
        await notifications.Ready.WaitAsync(Wait);

        var queued = await factory.OpenQueuedRoomAsync();
        var notification = await NextAsync(notifications, n => n.RoomId == queued.Str("_id"));

        Assert.Equal("New chat in queue", notification.Title);
        Assert.EndsWith("started a new conversation", notification.Text, StringComparison.Ordinal);
        var inquiry = Assert.Single((await client.Inquiries.QueuedAsync(page: new PageRequest(Count: 100))).Items, i => i.Rid == notification.RoomId);
        await client.Inquiries.TakeAsync(inquiry.Id);
    }

    [Fact]
    public async Task AStreamTheUserMayNotReadIsRefused()
    {
        var (room, _, _, _) = await factory.CreateServedRoomAsync();
        var stranger = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(stranger);
        await using var realtime = factory.Realtime(client);
        await realtime.ConnectAsync();

        await using var messages = realtime.SubscribeRoomMessages(room.Str("_id"));
        var refused = await Assert.ThrowsAsync<LivechatRealtimeException>(() => messages.Ready.WaitAsync(Wait));
        var unknown = realtime.Subscribe("stream-nothing", "x");
        var missing = await Assert.ThrowsAsync<LivechatRealtimeException>(() => unknown.Ready.WaitAsync(Wait));

        Assert.Equal("not-allowed", refused.Error);
        Assert.Equal(("404", "Subscription 'stream-nothing' not found"), (missing.Error, missing.Reason));
        await Assert.ThrowsAsync<LivechatRealtimeException>(async () =>
        {
            await foreach (var _ in messages)
            {
            }
        });
    }

    [Fact]
    public async Task MethodsAnswerResultsAndErrors()
    {
        var agent = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(agent);
        await using var realtime = factory.Realtime(client);
        await realtime.ConnectAsync();

        var login = await realtime.CallAsync("login", new JsonObject { ["resume"] = client.AuthToken });
        var unknown = await Assert.ThrowsAsync<LivechatRealtimeException>(() => realtime.CallAsync("no.such.method"));

        Assert.Equal(agent.Id, login.GetProperty("id").GetString());
        Assert.EndsWith("Z", login.GetProperty("tokenExpires").GetString(), StringComparison.Ordinal);
        Assert.Equal(("404", "Method 'no.such.method' not found"), (unknown.Error, unknown.Reason));
        Assert.NotNull(realtime.SessionId);
    }

    [Fact]
    public async Task ARefusedLoginFailsTheConnect()
    {
        var agent = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(agent);
        using var other = factory.Client();
        await other.ResumeAsync(client.UserId!, client.AuthToken!);
        await other.LogoutAsync();
        await using var realtime = factory.Realtime(client);
        var states = new List<RealtimeState>();
        realtime.ConnectionStateChanged += (_, e) => states.Add(e.State);

        var refused = await Assert.ThrowsAsync<LivechatRealtimeException>(() => realtime.ConnectAsync());

        Assert.Equal("403", refused.Error);
        Assert.Equal([RealtimeState.Connecting, RealtimeState.Disconnected], states);
        Assert.Equal(RealtimeState.Disconnected, realtime.State);
    }

    [Fact]
    public async Task AfterADroppedConnectionItReconnectsLogsInAndResubscribes()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var client = await factory.ClientAsync(agent);
        var sockets = new List<WebSocket>();
        await using var realtime = factory.Realtime(client, sockets);
        var states = new List<RealtimeState>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        realtime.ConnectionStateChanged += (_, e) => states.Add(e.State);
        realtime.Reconnected += (_, _) => reconnected.TrySetResult();
        await realtime.ConnectAsync();
        await using var messages = realtime.SubscribeRoomMessages(rid);
        await using var mine = realtime.SubscribeMyMessages();
        await Task.WhenAll(messages.Ready, mine.Ready).WaitAsync(Wait);
        var firstSession = realtime.SessionId;

        sockets[0].Abort();
        await reconnected.Task.WaitAsync(Wait);
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "Still there?" })).Ok();

        Assert.Equal("Still there?", (await NextAsync(messages)).Msg);
        Assert.Equal("Still there?", (await NextAsync(mine)).Msg);
        Assert.Equal([RealtimeState.Connecting, RealtimeState.Connected, RealtimeState.Reconnecting, RealtimeState.Connected], states);
        Assert.Equal(2, sockets.Count);
        Assert.NotEqual(firstSession, realtime.SessionId);
        // The new connection is logged in: a method that needs the user works.
        await using var changed = realtime.SubscribeRoomsChanged();
        await changed.Ready.WaitAsync(Wait);
    }

    [Fact]
    public async Task ASubscriptionMadeBeforeConnectingIsSentOnConnect()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);
        await using var realtime = factory.Realtime(client);
        await using var messages = realtime.SubscribeRoomMessages(room.Str("_id"));

        await realtime.ConnectAsync();
        await messages.Ready.WaitAsync(Wait);
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid = room.Str("_id"), msg = "early" })).Ok();

        Assert.Equal("early", (await NextAsync(messages)).Msg);
    }

    [Fact]
    public async Task PingsKeepALiveConnectionAndASilentOneIsReplaced()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var client = await factory.ClientAsync(agent);
        var sockets = new List<FreezableWebSocket>();
        await using var realtime = new LivechatRealtime(client, new RealtimeOptions
        {
            Endpoint = new Uri(factory.Server.BaseAddress, "/websocket"),
            ConnectWebSocket = async (uri, ct) =>
            {
                var socket = new FreezableWebSocket(await factory.Server.CreateWebSocketClient().ConnectAsync(uri, ct));
                lock (sockets) sockets.Add(socket);
                return socket;
            },
            // A pong gets a second: on a loaded machine (the CI's test classes run in parallel) 300 ms took a live
            // connection for a silent one, and a message sent during that extra reconnect was missed.
            PingInterval = TimeSpan.FromMilliseconds(100),
            PongTimeout = TimeSpan.FromSeconds(1),
            ReconnectDelays = [TimeSpan.FromMilliseconds(50)],
        });
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        realtime.Reconnected += (_, _) => reconnected.TrySetResult();
        await realtime.ConnectAsync();
        await using var messages = realtime.SubscribeRoomMessages(rid);
        await messages.Ready.WaitAsync(Wait);

        await Task.Delay(TimeSpan.FromSeconds(1));
        var aliveAfterPings = (realtime.State, sockets.Count);
        sockets[0].Freeze();
        await reconnected.Task.WaitAsync(Wait);
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "after the silence" })).Ok();

        Assert.Equal((RealtimeState.Connected, 1), aliveAfterPings);
        Assert.Equal("after the silence", (await NextAsync(messages)).Msg);
        Assert.Equal(2, sockets.Count);
    }

    [Fact]
    public async Task SubscribersOfOneEventShareItAndTheLastDisposeEndsIt()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var client = await factory.ClientAsync(agent);
        await using var realtime = factory.Realtime(client);
        await realtime.ConnectAsync();
        var first = realtime.SubscribeRoomMessages(rid);
        await using var second = realtime.SubscribeRoomMessages(rid);
        await Task.WhenAll(first.Ready, second.Ready).WaitAsync(Wait);

        await first.DisposeAsync();
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "one copy" })).Ok();
        var received = await NextAsync(second);
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "second" })).Ok();

        Assert.Equal("one copy", received.Msg);
        Assert.Equal("second", (await NextAsync(second)).Msg);
        await foreach (var _ in first)
        {
            Assert.Fail("A disposed subscription delivers nothing.");
        }
    }

    [Fact]
    public async Task DisposingClosesTheConnectionAndEndsSubscriptions()
    {
        var agent = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(agent);
        var realtime = factory.Realtime(client);
        await realtime.ConnectAsync();
        var changed = realtime.SubscribeRoomsChanged();
        await changed.Ready.WaitAsync(Wait);

        await realtime.DisposeAsync();

        Assert.Equal(RealtimeState.Closed, realtime.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            await foreach (var _ in changed)
            {
            }
        });
        await Assert.ThrowsAsync<LivechatRealtimeException>(() => realtime.CallAsync("login"));
    }

    static async Task<T> NextAsync<T>(RealtimeSubscription<T> subscription, Func<T, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(Wait);
        await foreach (var item in subscription.WithCancellation(timeout.Token))
        {
            if (match is null || match(item)) return item;
        }
        throw new InvalidOperationException("The subscription ended.");
    }
}

public sealed class RealtimeSqliteTests(SqliteServerFactory factory) : RealtimeTests<SqliteServerFactory>(factory);

public sealed class RealtimePostgresTests(PostgresServerFactory factory) : RealtimeTests<PostgresServerFactory>(factory);
