using System.Text.Json.Nodes;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Livechat.Server.Tests.Realtime;

/// <summary>DDP itself at <c>/websocket</c>: handshake, heartbeats, methods, subscriptions and their refusals.</summary>
public abstract class DdpProtocolTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task ConnectAnswersServerIdThenConnectedWithASession()
    {
        await using var ddp = await DdpClient.OpenAsync(factory);

        await ddp.SendAsync(new { msg = "connect", version = "1", support = new[] { "1", "pre2", "pre1" } });

        Assert.Equal("""{"server_id":"0"}""", (await ddp.NextAsync(m => m.ContainsKey("server_id"))).Text());
        var connected = await ddp.NextAsync(m => (string?)m["msg"] == "connected");
        Assert.Equal(17, ((string)connected["session"]!).Length);
        Assert.Equal(["msg", "session"], connected.Select(p => p.Key));
    }

    [Fact]
    public async Task UnsupportedVersionAnswersFailedWithTheServersVersion()
    {
        await using var ddp = await DdpClient.OpenAsync(factory);

        await ddp.SendAsync(new { msg = "connect", version = "2", support = new[] { "2" } });

        Assert.Equal("""{"msg":"failed","version":"1"}""", (await ddp.NextAsync(m => (string?)m["msg"] == "failed")).Text());
    }

    [Fact]
    public async Task MessagesBeforeConnectAndMalformedMessagesAnswerErrors()
    {
        await using var ddp = await DdpClient.OpenAsync(factory);

        await ddp.SendAsync(new { msg = "ping" });
        var early = await ddp.NextAsync(m => (string?)m["msg"] == "error");
        await ddp.SendRawAsync("not json");
        var garbage = await ddp.NextAsync(m => (string?)m["msg"] == "error");

        Assert.Equal("""{"msg":"error","reason":"Must connect first","offendingMessage":{"msg":"ping"}}""", early.Text());
        Assert.Equal("""{"msg":"error","reason":"Bad request","offendingMessage":"not json"}""", garbage.Text());
    }

    [Fact]
    public async Task PingAnswersPongWithTheSameId()
    {
        await using var ddp = await DdpClient.ConnectAsync(factory);

        await ddp.SendAsync(new { msg = "ping", id = "abc" });
        var pong = await ddp.NextAsync(m => (string?)m["msg"] == "pong");
        await ddp.SendAsync(new { msg = "ping" });
        var bare = await ddp.NextAsync(m => (string?)m["msg"] == "pong");

        Assert.Equal("""{"msg":"pong","id":"abc"}""", pong.Text());
        Assert.Equal("""{"msg":"pong"}""", bare.Text());
    }

    [Fact]
    public async Task UnknownMethodAnswersAMeteorErrorThenUpdated()
    {
        await using var ddp = await DdpClient.ConnectAsync(factory);

        await ddp.SendAsync(new { msg = "method", id = "7", method = "nope", @params = Array.Empty<object>() });
        var result = await ddp.NextAsync(m => (string?)m["msg"] == "result");
        var updated = await ddp.NextAsync(m => (string?)m["msg"] == "updated");

        Assert.Equal("""
            {"msg":"result","id":"7","error":{"isClientSafe":true,"error":404,"reason":"Method 'nope' not found",
            "message":"Method 'nope' not found [404]","errorType":"Meteor.Error"}}
            """.ReplaceLineEndings(""), result.Text());
        Assert.Equal("""{"msg":"updated","methods":["7"]}""", updated.Text());
    }

    [Fact]
    public async Task LoginWithAResumeTokenAnswersTheUserAndAnEjsonExpiry()
    {
        var agent = await factory.CreateAgentAsync();
        await using var ddp = await DdpClient.ConnectAsync(factory);

        var result = (await ddp.CallAsync("login", new { resume = agent.Api.Token }))["result"]!.AsObject();
        var refused = await ddp.CallAsync("login", new { resume = "not-a-token" });

        Assert.Equal(["id", "token", "tokenExpires", "type"], result.Select(p => p.Key));
        Assert.Equal(agent.Id, (string)result["id"]!);
        Assert.Equal(agent.Api.Token, (string)result["token"]!);
        Assert.Equal("resume", (string)result["type"]!);
        var expires = DateTimeOffset.FromUnixTimeMilliseconds((long)result["tokenExpires"]!["$date"]!);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(89), TimeSpan.FromDays(91));
        Assert.Equal("""
            {"isClientSafe":true,"error":403,"reason":"You've been logged out by the server. Please log in again.",
            "message":"You've been logged out by the server. Please log in again. [403]","errorType":"Meteor.Error"}
            """.ReplaceLineEndings(""), refused["error"]!.Text());
    }

    [Fact]
    public async Task CatalogueMethodsNeedALoginOverDdpToo()
    {
        var admin = await factory.AdminAsync();
        await using var anonymous = await DdpClient.ConnectAsync(factory);
        await using var logged = await DdpClient.ConnectAsync(factory);
        await logged.CallAsync("login", new { resume = admin.Token });
        var name = TestUsers.Unique("tag");

        var before = await anonymous.CallAsync("livechat:saveTag", null, new { name, description = "d" }, Array.Empty<string>());
        var saved = await logged.CallAsync("livechat:saveTag", null, new { name, description = "d" }, Array.Empty<string>());

        Assert.Equal(404, (int)before["error"]!["error"]!);
        Assert.Equal(name, (string)saved["result"]!["name"]!);
    }

    [Fact]
    public async Task UnknownSubscriptionAnswersNosubWith404AndUnsubAnswersNosub()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        await using var ddp = await DdpClient.ConnectAsync(factory);

        var unknown = await ddp.SubscribeAsync("meteor.loginServiceConfiguration");
        var bad = await ddp.SubscribeAsync("stream-room-messages", 42);

        Assert.Equal("""
            {"isClientSafe":true,"error":404,"reason":"Subscription 'meteor.loginServiceConfiguration' not found",
            "message":"Subscription 'meteor.loginServiceConfiguration' not found [404]","errorType":"Meteor.Error"}
            """.ReplaceLineEndings(""), unknown["error"]!.Text());
        Assert.Equal(400, (int)bad["error"]!["error"]!);

        var ready = await ddp.SubscribeAsVisitorAsync("stream-room-messages", room.Str("_id"), token);
        var id = (string)ready["subs"]![0]!;
        await ddp.SendAsync(new { msg = "unsub", id });
        Assert.Equal($$"""{"msg":"nosub","id":"{{id}}"}""", (await ddp.NextAsync(m => (string?)m["msg"] == "nosub" && (string?)m["id"] == id)).Text());
    }

    [Fact]
    public async Task VisitorsSubscribeToTheirOwnRoomOnly()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var (otherToken, _) = await factory.CreateVisitorAsync();
        var rid = room.Str("_id");
        await using var ddp = await DdpClient.ConnectAsync(factory);

        var own = await ddp.SubscribeAsVisitorAsync("stream-room-messages", rid, token);
        var typing = await ddp.SubscribeAsVisitorAsync("stream-notify-room", $"{rid}/typing", token);
        var livechat = await ddp.SubscribeAsVisitorAsync("stream-livechat-room", rid, token);
        var foreign = await ddp.SubscribeAsVisitorAsync("stream-room-messages", rid, otherToken);
        var foreignLivechat = await ddp.SubscribeAsVisitorAsync("stream-livechat-room", rid, otherToken);
        var noToken = await ddp.SubscribeAsUserAsync("stream-room-messages", rid);
        var missingRoom = await ddp.SubscribeAsVisitorAsync("stream-room-messages", "nope", token);

        Assert.All([own, typing, livechat], m => Assert.Equal("ready", (string?)m["msg"]));
        Assert.All([foreign, foreignLivechat, noToken, missingRoom], m => Assert.Equal(
            """{"isClientSafe":true,"error":"not-allowed","message":"[not-allowed]","errorType":"Meteor.Error"}""", m["error"]!.Text()));
    }

    [Fact]
    public async Task AgentsSubscribeToRoomsTheyMaySeeAndToTheirOwnUserStream()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var stranger = await factory.CreateAgentAsync();
        var rid = room.Str("_id");
        await using var serving = await DdpClient.LoginAsync(factory, agent);
        await using var other = await DdpClient.LoginAsync(factory, stranger);
        await using var anonymous = await DdpClient.ConnectAsync(factory);

        Assert.Equal("ready", (string?)(await serving.SubscribeAsUserAsync("stream-room-messages", rid))["msg"]);
        Assert.Equal("ready", (string?)(await serving.SubscribeAsUserAsync("stream-livechat-room", rid))["msg"]);
        Assert.Equal("ready", (string?)(await serving.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed"))["msg"]);
        Assert.Equal("ready", (string?)(await serving.SubscribeAsUserAsync("stream-room-messages", "__my_messages__"))["msg"]);
        Assert.Equal("not-allowed", (string?)(await other.SubscribeAsUserAsync("stream-room-messages", rid))["error"]!["error"]);
        Assert.Equal("not-allowed", (string?)(await other.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed"))["error"]!["error"]);
        Assert.Equal("not-allowed", (string?)(await anonymous.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed"))["error"]!["error"]);
        Assert.Equal("not-allowed", (string?)(await anonymous.SubscribeAsUserAsync("stream-room-messages", "__my_messages__"))["error"]!["error"]);
    }

    [Fact]
    public async Task VisitorTypingReachesTheAgentButNotTheTypistNorWithAForeignToken()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var username = room.GetProperty("v").Str("username");
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await visitor.CallAsync("livechat:setUpConnection", new { token });
        await visitor.SubscribeAsVisitorAsync("stream-notify-room", $"{rid}/typing", token);
        await agentDdp.SubscribeAsUserAsync("stream-notify-room", $"{rid}/typing");
        await agentDdp.SubscribeAsUserAsync("stream-notify-room", $"{rid}/user-activity");

        var call = await visitor.CallAsync("stream-notify-room", $"{rid}/typing", username, true, new { token });
        var typing = await agentDdp.NextEventAsync("stream-notify-room", $"{rid}/typing");
        var activity = await agentDdp.NextEventAsync("stream-notify-room", $"{rid}/user-activity");
        await visitor.CallAsync("stream-notify-room", $"{rid}/typing", username, true, new { token = "someone-else" });

        Assert.Equal(["msg", "id"], call.Select(p => p.Key));
        Assert.Equal($$"""["{{username}}",true]""", typing.Text());
        Assert.Equal($$"""["{{username}}",["user-typing"]]""", activity.Text());
        await visitor.AssertNoEventAsync("stream-notify-room");
        await agentDdp.AssertNoEventAsync("stream-notify-room", $"{rid}/typing");
    }

    [Fact]
    public async Task AgentTypingReachesTheVisitorOnlyFromAnAgentWhoMaySeeTheRoom()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var stranger = await factory.CreateAgentAsync();
        var rid = room.Str("_id");
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await using var strangerDdp = await DdpClient.LoginAsync(factory, stranger);
        await visitor.SubscribeAsVisitorAsync("stream-notify-room", $"{rid}/typing", token);

        await strangerDdp.CallAsync("stream-notify-room", $"{rid}/typing", stranger.Username, true);
        await agentDdp.CallAsync("stream-notify-room", $"{rid}/typing", agent.Username, true);
        var typing = await visitor.NextEventAsync("stream-notify-room", $"{rid}/typing");

        Assert.Equal($$"""["{{agent.Username}}",true]""", typing.Text());
        await visitor.AssertNoEventAsync("stream-notify-room", $"{rid}/typing");
    }

    const string LoggedOutError = """
        {"isClientSafe":true,"error":403,"reason":"You've been logged out by the server. Please log in again.",
        "message":"You've been logged out by the server. Please log in again. [403]","errorType":"Meteor.Error"}
        """;

    const string NotAllowedError = """{"isClientSafe":true,"error":"not-allowed","message":"[not-allowed]","errorType":"Meteor.Error"}""";

    /// <summary>
    /// A livechat manager's socket (logged in with <paramref name="resume"/>, else the manager's REST token) that may call
    /// <c>livechat:saveTag</c> and receives a served room's messages; the serving agent's own socket is the witness.
    /// </summary>
    async Task<PrivilegedSocket> PrivilegedSocketAsync(TestUser manager, string? resume = null)
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var ddp = await DdpClient.ConnectAsync(factory);
        Assert.Null((await ddp.CallAsync("login", new { resume = resume ?? manager.Api.Token }))["error"]);
        var witness = await DdpClient.LoginAsync(factory, agent);
        var sub = await ddp.SubscribeAsUserAsync("stream-room-messages", rid);
        await witness.SubscribeAsUserAsync("stream-room-messages", rid);
        Assert.Equal("ready", (string?)sub["msg"]);
        Assert.Null((await SaveTagAsync(ddp))["error"]);
        return new PrivilegedSocket(ddp, witness, rid, token, (string)sub["subs"]![0]!);
    }

    sealed record PrivilegedSocket(DdpClient Ddp, DdpClient Witness, string Rid, string VisitorToken, string SubId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Ddp.DisposeAsync();
            await Witness.DisposeAsync();
        }
    }

    static Task<JsonObject> SaveTagAsync(DdpClient ddp) =>
        ddp.CallAsync("livechat:saveTag", null, new { name = TestUsers.Unique("tag"), description = "d" }, Array.Empty<string>());

    async Task<TestUser> CreateManagerAsync()
    {
        var manager = await factory.CreateUserAsync();
        (await (await factory.AdminAsync()).PostAsync("livechat/users/manager", new { username = manager.Username })).Ok();
        return manager;
    }

    /// <summary>The socket's subscription ended with <paramref name="error"/>, and a message in the room reaches only the witness.</summary>
    async Task AssertRoomLostAsync(PrivilegedSocket socket, string error)
    {
        var nosub = await socket.Ddp.NextAsync(m => (string?)m["msg"] == "nosub" && (string?)m["id"] == socket.SubId);
        Assert.Equal(error.ReplaceLineEndings(""), nosub["error"]!.Text());
        Assert.Equal("nosub", (string?)(await socket.Ddp.SubscribeAsUserAsync("stream-room-messages", socket.Rid))["msg"]);

        await factory.Anonymous().PostAsync("livechat/message", new { token = socket.VisitorToken, rid = socket.Rid, msg = "after" });
        await socket.Witness.NextEventAsync("stream-room-messages", socket.Rid, a => (string?)a[0]?["msg"] == "after");
        await socket.Ddp.AssertNoEventAsync("stream-room-messages", socket.Rid);
    }

    [Fact]
    public async Task ASocketAfterRestLogoutCanNoLongerCallTheMethodNorReceiveTheRoom()
    {
        var manager = await CreateManagerAsync();
        await using var socket = await PrivilegedSocketAsync(manager);

        Assert.Equal(200, (await manager.Api.PostAsync("logout")).Code);

        await AssertRoomLostAsync(socket, LoggedOutError);
        Assert.Equal(404, (int)(await SaveTagAsync(socket.Ddp))["error"]!["error"]!);
    }

    [Fact]
    public async Task ASocketAfterItsTokenIsRemovedCanNoLongerCallTheMethodNorReceiveTheRoom()
    {
        var manager = await CreateManagerAsync();
        var pat = (await manager.Api.PostAsync("users.generatePersonalAccessToken", new { tokenName = "ddp" })).Ok().Json.Str("token");
        await using var socket = await PrivilegedSocketAsync(manager, pat);

        (await manager.Api.PostAsync("users.removePersonalAccessToken", new { tokenName = "ddp" })).Ok();

        await AssertRoomLostAsync(socket, LoggedOutError);
        Assert.Equal(404, (int)(await SaveTagAsync(socket.Ddp))["error"]!["error"]!);
        // The REST login that was not removed still works.
        (await manager.Api.GetAsync("me")).Ok();
    }

    [Fact]
    public async Task ASocketAfterItsRoleIsRemovedCanNoLongerCallTheMethodNorReceiveTheRoom()
    {
        var manager = await CreateManagerAsync();
        await using var socket = await PrivilegedSocketAsync(manager);

        (await (await factory.AdminAsync()).DeleteAsync($"livechat/users/manager/{manager.Id}")).Ok();

        await AssertRoomLostAsync(socket, NotAllowedError);
        Assert.Equal("""
            {"isClientSafe":true,"error":"error-not-allowed","reason":"Not allowed","message":"Not allowed [error-not-allowed]","errorType":"Meteor.Error"}
            """.ReplaceLineEndings(""), (await SaveTagAsync(socket.Ddp))["error"]!.Text());
        // Still logged in: what the user may see without the role stays open to them.
        Assert.Equal("ready", (string?)(await socket.Ddp.SubscribeAsUserAsync("stream-notify-user", $"{manager.Id}/rooms-changed"))["msg"]);
    }

    [Fact]
    public async Task StreamNotifyRoomAcceptsOnlyRocketChatsRoomEventsOfBoundedLength()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        await using var ddp = await DdpClient.ConnectAsync(factory);

        var deleteMessage = await ddp.SubscribeAsVisitorAsync("stream-notify-room", $"{rid}/deleteMessage", token);
        var other = await ddp.SubscribeAsVisitorAsync("stream-notify-room", $"{rid}/webrtc", token);
        var bare = await ddp.SubscribeAsVisitorAsync("stream-notify-room", rid, token);
        var longName = await ddp.SubscribeAsVisitorAsync("stream-room-messages", new string('x', 201), token);

        Assert.Equal("ready", (string?)deleteMessage["msg"]);
        Assert.All([other, bare], m => Assert.Equal("""
            {"isClientSafe":true,"error":"invalid-event-name","reason":"The events of stream-notify-room are <rid>/typing, <rid>/user-activity and <rid>/deleteMessage",
            "message":"The events of stream-notify-room are <rid>/typing, <rid>/user-activity and <rid>/deleteMessage [invalid-event-name]","errorType":"Meteor.Error"}
            """.ReplaceLineEndings(""), m["error"]!.Text()));
        Assert.Equal("""
            {"isClientSafe":true,"error":"invalid-event-name","reason":"Event names are at most 200 characters long",
            "message":"Event names are at most 200 characters long [invalid-event-name]","errorType":"Meteor.Error"}
            """.ReplaceLineEndings(""), longName["error"]!.Text());
    }

    [Fact]
    public async Task ConnectionsSubscriptionsAndMessageRatesAreCappedWithDdpErrors()
    {
        await using var limited = factory.WithWebHostBuilder(b => b
            .UseSetting("Realtime:MaxConnectionsPerIp", "2")
            .UseSetting("Realtime:MaxSubscriptionsPerConnection", "2")
            .UseSetting("Realtime:MessagesPerSecond", "1")
            .UseSetting("Realtime:MessageBurst", "12"));
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        await using var first = await DdpClient.ConnectAsync(limited);
        var second = await DdpClient.ConnectAsync(limited);
        await using var third = await DdpClient.OpenAsync(limited);

        var refused = await third.NextAsync(m => (string?)m["msg"] == "error");
        Assert.Equal("ready", (string?)(await first.SubscribeAsVisitorAsync("stream-room-messages", rid, token))["msg"]);
        Assert.Equal("ready", (string?)(await first.SubscribeAsVisitorAsync("stream-livechat-room", rid, token))["msg"]);
        var tooMany = await first.SubscribeAsVisitorAsync("stream-notify-room", $"{rid}/typing", token);
        // A burst well over what is left, and a method call right behind it.
        for (var i = 0; i < 30; i++) await first.SendAsync(new { msg = "ping", id = $"flood{i}" });
        var method = await first.CallAsync("livechat:setUpConnection", new { token });
        var slowDown = await first.NextAsync(m => (string?)m["msg"] == "error");

        Assert.Equal("""
            {"msg":"error","isClientSafe":true,"error":"too-many-connections","reason":"At most 2 connections per client address",
            "message":"At most 2 connections per client address [too-many-connections]","errorType":"Meteor.Error"}
            """.ReplaceLineEndings(""), refused.Text());
        Assert.Equal("""
            {"isClientSafe":true,"error":"too-many-subscriptions","reason":"At most 2 subscriptions per connection",
            "message":"At most 2 subscriptions per connection [too-many-subscriptions]","errorType":"Meteor.Error"}
            """.ReplaceLineEndings(""), tooMany["error"]!.Text());
        const string reason = "Error, too many requests. Please slow down. You must wait 1 seconds before trying again.";
        Assert.Equal($$"""
            {"msg":"error","isClientSafe":true,"error":"too-many-requests","reason":"{{reason}}",
            "message":"{{reason}} [too-many-requests]","errorType":"Meteor.Error"}
            """.ReplaceLineEndings(""), slowDown.Text());
        Assert.Equal("too-many-requests", (string?)method["error"]!["error"]);
        // A closed connection frees its place.
        await second.DisposeAsync();
        for (var i = 0; ; i++)
        {
            await using var again = await DdpClient.OpenAsync(limited);
            if ((await again.NextAsync(m => m.ContainsKey("server_id") || (string?)m["msg"] == "error")).ContainsKey("server_id")) break;
            Assert.True(i < 50, "the closed connection's place was never freed");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task SetUpConnectionMarksOfflineOnlyAVisitorWhoseTokenItProved()
    {
        var unproved = TestUsers.Unique("tok");
        var (proved, _) = await factory.CreateVisitorAsync();
        var ddp = await DdpClient.ConnectAsync(factory);
        await ddp.CallAsync("livechat:setUpConnection", new { token = unproved });
        (await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token = unproved } })).Ok();
        await ddp.CallAsync("livechat:setUpConnection", new { token = proved });

        await ddp.DisposeAsync();

        for (var i = 0; await StatusAsync(proved) != "offline"; i++)
        {
            Assert.True(i < 100, "the proved visitor never went offline");
            await Task.Delay(100);
        }
        Assert.NotEqual("offline", await StatusAsync(unproved));
    }

    async Task<string?> StatusAsync(string token) =>
        (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Ok().Json.GetProperty("visitor").TryGetProperty("status", out var s)
            ? s.GetString() : null;
}

public sealed class DdpProtocolSqliteTests(SqliteServerFactory factory) : DdpProtocolTests<SqliteServerFactory>(factory);

public sealed class DdpProtocolPostgresTests(PostgresServerFactory factory) : DdpProtocolTests<PostgresServerFactory>(factory);
