using System.Text.Json.Nodes;
using Livechat.Server.Tests.Infrastructure;

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
}

public sealed class DdpProtocolSqliteTests(SqliteServerFactory factory) : DdpProtocolTests<SqliteServerFactory>(factory);

public sealed class DdpProtocolPostgresTests(PostgresServerFactory factory) : DdpProtocolTests<PostgresServerFactory>(factory);
