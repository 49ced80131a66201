using System.Text.Json.Nodes;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Realtime;

/// <summary>Committed changes reach the right DDP subscribers, as Rocket.Chat's streams carry them, with EJSON dates.</summary>
public abstract class StreamEventsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task MessagesReachTheVisitorAndTheServingAgentWithEjsonDates()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await visitor.SubscribeAsVisitorAsync("stream-room-messages", rid, token);
        await agentDdp.SubscribeAsUserAsync("stream-room-messages", "__my_messages__");
        await agentDdp.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed");

        var sent = (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "hello" })).Ok().Json.GetProperty("message");
        var toVisitor = (await visitor.NextEventAsync("stream-room-messages", rid))[0]!.AsObject();
        var toAgent = (await agentDdp.NextEventAsync("stream-room-messages", "__my_messages__"))[0]!.AsObject();
        var roomChange = await agentDdp.NextEventAsync("stream-notify-user", $"{agent.Id}/rooms-changed");

        var ts = DateTimeOffset.Parse(sent.Str("ts"), System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        Assert.Equal($$$"""
            {"_id":"{{{sent.Str("_id")}}}","rid":"{{{rid}}}","msg":"hello","ts":{"$date":{{{ts}}}},
            "u":{"_id":"{{{room.GetProperty("v").Str("_id")}}}","username":"{{{room.GetProperty("v").Str("username")}}}"},
            "urls":[],"mentions":[],"channels":[],"_updatedAt":{"$date":{{{ts}}}}}
            """.ReplaceLineEndings(""), toVisitor.Text());
        Assert.Equal(toVisitor.Text(), toAgent.Text());
        Assert.Equal("updated", (string?)roomChange[0]);
        Assert.Equal(1, (int)roomChange[1]!["msgs"]!);
        Assert.Equal(ts, (long)roomChange[1]!["lm"]!["$date"]!);
    }

    [Fact]
    public async Task StreamMessagesAreTheChangedShapeOfRocketChatsStreamer()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await visitor.SubscribeAsVisitorAsync("stream-room-messages", rid, token);

        await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "shape" });
        var changed = await visitor.NextAsync(m => (string?)m["msg"] == "changed");

        Assert.Equal(["msg", "collection", "id", "fields"], changed.Select(p => p.Key));
        Assert.Equal("stream-room-messages", (string?)changed["collection"]);
        Assert.Equal("id", (string?)changed["id"]);
        Assert.Equal(rid, (string?)changed["fields"]!["eventName"]);
    }

    [Fact]
    public async Task NobodyElseReceivesTheRoom()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var (otherRoom, otherToken, otherAgent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        await using var owner = await DdpClient.LoginAsync(factory, agent);
        await using var stranger = await DdpClient.LoginAsync(factory, otherAgent);
        await using var otherVisitor = await DdpClient.ConnectAsync(factory);
        await owner.SubscribeAsUserAsync("stream-room-messages", rid);
        await stranger.SubscribeAsUserAsync("stream-room-messages", "__my_messages__");
        await stranger.SubscribeAsUserAsync("stream-notify-user", $"{otherAgent.Id}/rooms-changed");
        await otherVisitor.SubscribeAsVisitorAsync("stream-room-messages", otherRoom.Str("_id"), otherToken);

        await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "private" });
        await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "private too" } });
        // Once the room's own agent has the last message, any copy for the others has been sent too. The other room's
        // own events may still be arriving, so only events naming this room count.
        await owner.NextEventAsync("stream-room-messages", rid, a => (string?)a[0]?["msg"] == "private too");

        await stranger.AssertNoEventAsync("stream-room-messages", mentioning: rid);
        await stranger.AssertNoEventAsync("stream-notify-user", mentioning: rid);
        await otherVisitor.AssertNoEventAsync("stream-room-messages", mentioning: rid);
    }

    [Fact]
    public async Task SaveInfoReachesTheAgentStreamAndItsHistoryMessagesTheRoom()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var priority = (await agent.Api.GetAsync("livechat/priorities")).Ok().Json.GetProperty("priorities")[0].Str("_id");
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await agentDdp.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed");
        await agentDdp.SubscribeAsUserAsync("stream-livechat-room", rid);
        await visitor.SubscribeAsVisitorAsync("stream-room-messages", rid, token);
        await visitor.SubscribeAsVisitorAsync("stream-livechat-room", rid, token);

        (await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = room.GetProperty("v").Str("_id"), name = "Renamed Visitor" },
            roomData = new { _id = rid, topic = "Billing", tags = new[] { "vip" }, priorityId = priority },
        })).Ok();
        var changed = await agentDdp.NextEventAsync("stream-notify-user", $"{agent.Id}/rooms-changed",
            a => (string?)a[1]?["topic"] == "Billing");
        var roomData = await agentDdp.NextEventAsync("stream-livechat-room", rid, a => (string?)a[0]?["type"] == "roomData");
        var history = await visitor.NextEventAsync("stream-room-messages", rid, a => (string?)a[0]?["t"] == "omnichannel_priority_change_history");
        var visitorData = await visitor.NextEventAsync("stream-livechat-room", rid, a => (string?)a[0]?["type"] == "visitorData");

        Assert.Equal("updated", (string?)changed[0]);
        Assert.Equal("""["vip"]""", changed[1]!["tags"]!.Text());
        Assert.Equal(priority, (string?)changed[1]!["priorityId"]);
        Assert.Equal("Billing", (string?)roomData[0]!["data"]!["topic"]);
        Assert.Equal(rid, (string?)history[0]!["rid"]);
        Assert.Equal("Renamed Visitor", (string?)visitorData[0]!["visitor"]!["name"]);
        // The visitor never sees the agent-side room document.
        await visitor.AssertNoEventAsync("stream-livechat-room", null);
    }

    [Fact]
    public async Task AVisitorStatusChangeReachesTheServingAgentAsAnUpdatedRoom()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var version = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetProperty("_version").GetInt32();
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await agentDdp.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed");

        (await factory.Anonymous().PostAsync("livechat/visitor.status", new { token, status = "away" })).Ok();
        var changed = await agentDdp.NextEventAsync("stream-notify-user", $"{agent.Id}/rooms-changed", a => (string?)a[1]?["_id"] == rid);

        Assert.Equal("updated", (string?)changed[0]);
        Assert.Equal("away", (string?)changed[1]!["v"]!["status"]);
        Assert.Equal(version + 1, (int)changed[1]!["_version"]!);
    }

    [Fact]
    public async Task AssignmentReachesTheWidgetAsAgentDataAndTheAgentAsInsertedRoom()
    {
        var queued = await factory.OpenQueuedRoomAsync();
        var rid = queued.Str("_id");
        var token = queued.GetProperty("v").Str("token");
        var agent = await factory.CreateAgentAsync();
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await visitor.SubscribeAsVisitorAsync("stream-livechat-room", rid, token);
        await agentDdp.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed");
        var inquiry = (await agent.Api.GetAsync("livechat/inquiries.queued")).Ok().Json.GetProperty("inquiries").EnumerateArray()
            .First(i => i.Str("rid") == rid).Str("_id");

        (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId = inquiry })).Ok();
        var agentData = await visitor.NextEventAsync("stream-livechat-room", rid, a => (string?)a[0]?["type"] == "agentData");
        var inserted = await agentDdp.NextEventAsync("stream-notify-user", $"{agent.Id}/rooms-changed", a => (string?)a[0] == "inserted");

        Assert.Equal($$$"""
            {"type":"agentData","data":{"_id":"{{{agent.Id}}}","username":"{{{agent.Username}}}","name":"Name {{{agent.Username}}}","status":"online",
            "emails":[{"address":"{{{agent.Username}}}@example.com","verified":true}]}}
            """.ReplaceLineEndings(""), agentData[0]!.Text());
        Assert.Equal(rid, (string?)inserted[1]!["_id"]);
        Assert.Equal(agent.Id, (string?)inserted[1]!["servedBy"]!["_id"]);
    }

    [Fact]
    public async Task QueuedVisitorsFollowTheirSpotAsTheQueueMoves()
    {
        var first = await factory.OpenQueuedRoomAsync();
        var second = await factory.OpenQueuedRoomAsync();
        var (rid, token) = (second.Str("_id"), second.GetProperty("v").Str("token"));
        var spot = await SpotAsync(token);
        Assert.Equal(await SpotAsync(first.GetProperty("v").Str("token")) + 1, spot);
        var agent = await factory.CreateAgentAsync();
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await visitor.SubscribeAsVisitorAsync("stream-livechat-room", rid, token);
        var inquiry = (await agent.Api.GetAsync("livechat/inquiries.queued?count=100")).Ok().Json.GetProperty("inquiries").EnumerateArray()
            .First(i => i.Str("rid") == first.Str("_id")).Str("_id");

        (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId = inquiry })).Ok();
        var queueData = await visitor.NextEventAsync("stream-livechat-room", rid, a => (string?)a[0]?["type"] == "queueData");

        // The stream and the widget's config agree on the new spot: one place closer.
        Assert.Equal(spot - 1, (int)queueData[0]!["data"]!["spot"]!);
        Assert.Equal(spot - 1, await SpotAsync(token));
    }

    [Fact]
    public async Task AQueuedVisitorHearsOnlyOfItsOwnSpotChangingNotOfEachVisitorBehindIt()
    {
        var first = await factory.OpenQueuedRoomAsync();
        var (rid, token) = (first.Str("_id"), first.GetProperty("v").Str("token"));
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await visitor.SubscribeAsVisitorAsync("stream-livechat-room", rid, token);
        var second = await factory.OpenQueuedRoomAsync();
        await using var behind = await DdpClient.ConnectAsync(factory);
        await behind.SubscribeAsVisitorAsync("stream-livechat-room", second.Str("_id"), second.GetProperty("v").Str("token"));
        for (var i = 0; i < 4; i++) await factory.OpenQueuedRoomAsync();
        var agent = await factory.CreateAgentAsync();
        var inquiry = (await agent.Api.GetAsync("livechat/inquiries.queued?count=100")).Ok().Json.GetProperty("inquiries").EnumerateArray()
            .First(i => i.Str("rid") == rid).Str("_id");
        var behindSpot = await SpotAsync(second.GetProperty("v").Str("token"));

        // Once the visitor behind has heard that it moved up, every earlier queue event has been handled.
        (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId = inquiry })).Ok();
        await behind.NextEventAsync("stream-livechat-room", second.Str("_id"), a => (string?)a[0]?["type"] == "queueData"
            && (int)a[0]!["data"]!["spot"]! == behindSpot - 1);
        var spots = (await visitor.TakeEventsAsync("stream-livechat-room", rid)).Where(a => (string?)a[0]?["type"] == "queueData").ToList();

        // Five visitors joined behind it: at most the one message that first told it its spot (before: one per join).
        Assert.InRange(spots.Count, 0, 1);
    }

    async Task<int> SpotAsync(string token) =>
        (await factory.Anonymous().GetAsync($"livechat/config?token={token}")).Ok().Json
            .GetProperty("config").GetProperty("queueInfo").GetProperty("spot").GetInt32();

    [Fact]
    public async Task ClosingSendsTheClosingMessageAndTheClosedRoom()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await visitor.SubscribeAsVisitorAsync("stream-room-messages", rid, token);
        await agentDdp.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed");

        (await factory.Anonymous().PostAsync("livechat/room.close", new { token, rid })).Ok();
        var closing = await visitor.NextEventAsync("stream-room-messages", rid, a => (string?)a[0]?["t"] == "livechat-close");
        var closed = await agentDdp.NextEventAsync("stream-notify-user", $"{agent.Id}/rooms-changed", a => a[1]?["closedAt"] is not null);

        Assert.Equal("Closed by visitor", (string?)closing[0]!["msg"]);
        Assert.Equal("Number", JsonValueKindOf(closing[0]!["ts"]!["$date"]!));
        Assert.Null(closed[1]!["open"]);
        Assert.Equal("visitor", (string?)closed[1]!["closer"]);
    }

    [Fact]
    public async Task VisitorDeletingAMessageNotifiesTheRoom()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var id = (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "oops" })).Ok().Json.GetProperty("message").Str("_id");
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await agentDdp.SubscribeAsUserAsync("stream-notify-room", $"{rid}/deleteMessage");
        await agentDdp.SubscribeAsUserAsync("stream-room-messages", rid);

        (await factory.Anonymous().PutAsync($"livechat/message/{id}", new { token, rid, msg = "fixed" })).Ok();
        var edited = await agentDdp.NextEventAsync("stream-room-messages", rid);
        (await factory.Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/livechat/message/{id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { token, rid }),
        })).Ok();
        var deleted = await agentDdp.NextEventAsync("stream-notify-room", $"{rid}/deleteMessage");

        Assert.Equal("fixed", (string?)edited[0]!["msg"]);
        Assert.Equal("Number", JsonValueKindOf(edited[0]!["editedAt"]!["$date"]!));
        Assert.Equal($$"""[{"_id":"{{id}}"}]""", deleted.Text());
    }

    static string JsonValueKindOf(JsonNode node) => node.GetValueKind().ToString();
}

public sealed class StreamEventsSqliteTests(SqliteServerFactory factory) : StreamEventsTests<SqliteServerFactory>(factory);

public sealed class StreamEventsPostgresTests(PostgresServerFactory factory) : StreamEventsTests<PostgresServerFactory>(factory);
