using Livechat.Server.Tests.Infrastructure;
using Livechat.Server.Visitors;

namespace Livechat.Server.Tests.Rooms;

public abstract class RoomEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    const string Unauthorized403 = """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""";

    [Fact]
    public async Task OpeningARoomAutoAssignsTheDepartmentAgent()
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var (token, visitor) = await factory.CreateVisitorAsync(department);

        var reply = await factory.Anonymous().GetAsync($"livechat/room?token={token}");

        var room = reply.Ok().Json.GetProperty("room");
        var ts = room.Str("ts");
        reply.Is(200, $$"""
            {"room":{"_id":"{{room.Str("_id")}}","t":"l","fname":"{{visitor.Str("username")}}","msgs":0,"usersCount":1,"ts":"{{ts}}","lm":"{{ts}}",
            "_updatedAt":"{{ts}}","open":true,"cl":false,"waitingResponse":true,
            "v":{"_id":"{{visitor.Str("_id")}}","username":"{{visitor.Str("username")}}","token":"{{token}}","status":"online"},
            "servedBy":{"_id":"{{agent.Id}}","username":"{{agent.Username}}","ts":"{{ts}}"},"departmentId":"{{department}}",
            "source":{"type":"api"},"priorityWeight":99,"estimatedWaitingTimeQueue":9999999,"_version":1},"newRoom":true,"success":true}
            """);
        Assert.Equal(17, room.Str("_id").Length);
        var again = (await factory.Anonymous().GetAsync($"livechat/room?token={token}")).Ok();
        Assert.False(again.Json.GetProperty("newRoom").GetBoolean());
        Assert.Equal(room.Str("_id"), again.Json.GetProperty("room").Str("_id"));
        var lastChat = (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Ok().Json.GetProperty("visitor").GetProperty("lastChat");
        Assert.Equal(room.Str("_id"), lastChat.Str("_id"));
    }

    [Fact]
    public async Task TheVisitorsRoomLeavesOutTheAgentsFieldsAndStaffNeverSeeTheVisitorsToken()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var field = TestUsers.Unique("cf");
        (await (await factory.AdminAsync()).PostAsync("livechat/custom-fields.save",
            new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();
        (await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = room.GetProperty("v").Str("_id") },
            roomData = new Dictionary<string, object> { ["_id"] = rid, ["topic"] = "Refund", ["tags"] = new[] { "vip" }, ["livechatData"] = new Dictionary<string, string> { [field] = "A-1" } },
        })).Ok();
        await factory.WithDbAsync(async db =>
        {
            var stored = await db.Rooms.FindAsync(rid);
            stored!.CrmData = "{\"lead\":7}";
            await db.SaveChangesAsync();
        });

        var own = (await factory.Anonymous().GetAsync($"livechat/room?token={token}")).Ok().Json.GetProperty("room");
        var staff = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");

        foreach (var agentSide in new[] { "topic", "tags", "livechatData", "crmData" })
        {
            Assert.False(own.TryGetProperty(agentSide, out _), agentSide);
            Assert.True(staff.TryGetProperty(agentSide, out _), agentSide);
        }
        Assert.Equal(token, own.GetProperty("v").Str("token"));
        Assert.False(staff.GetProperty("v").TryGetProperty("token", out _));
        Assert.Equal(own.GetProperty("v").Str("_id"), staff.GetProperty("v").Str("_id"));
    }

    [Fact]
    public async Task AutoSelectionPrefersTheAgentWithFewestOpenRooms()
    {
        var busy = await factory.CreateAgentAsync();
        var idle = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, busy, idle);
        var (first, _) = await factory.CreateVisitorAsync(department);
        await factory.OpenRoomAsync(first, busy);
        var (second, _) = await factory.CreateVisitorAsync(department);

        var room = await factory.OpenRoomAsync(second);

        Assert.Equal(idle.Id, room.GetProperty("servedBy").Str("_id"));
    }

    [Fact]
    public async Task WidgetCookiesMarkTheRoomSourceAsWidget()
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var (token, _) = await factory.CreateVisitorAsync(department);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/livechat/room?token={token}");
        request.Headers.Add("Cookie", "rc_room_type=l; rc_is_widget=t");

        var reply = await factory.Anonymous().SendAsync(request);

        Assert.Equal("""{"type":"widget","destination":"localhost"}""", reply.Ok().Json.GetProperty("room").GetProperty("source").GetRawText());
    }

    [Fact]
    public async Task GetRoomAnswersRocketChatErrors()
    {
        var api = factory.Anonymous();
        var emptyDepartment = await factory.CreateDepartmentAsync();
        var (token, _) = await factory.CreateVisitorAsync(emptyDepartment);

        (await api.GetAsync("livechat/room")).Is(400, """{"success":false,"error":"Match error: Missing key 'token'"}""");
        (await api.GetAsync("livechat/room?token=a&sla=x")).Is(400, """{"success":false,"error":"Match error: Unknown key in field sla"}""");
        (await api.GetAsync("livechat/room?token=nope")).Is(400, """{"success":false,"error":"invalid-token"}""");
        (await api.GetAsync($"livechat/room?token={token}&rid=nope")).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await api.GetAsync($"livechat/room?token={token}"))
            .Is(400, """{"success":false,"error":"Sorry, no online agents [no-agent-online]","errorType":"no-agent-online"}""");
    }

    [Fact]
    public async Task GetRoomWhileOmnichannelIsDisabledFails()
    {
        var (token, _) = await factory.CreateVisitorAsync();
        await factory.SetSettingAsync("Livechat_enabled", false);
        try
        {
            var reply = await factory.Anonymous().GetAsync($"livechat/room?token={token}");

            reply.Is(400, """{"success":false,"error":"[error-omnichannel-is-disabled]","errorType":"error-omnichannel-is-disabled"}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_enabled", true);
        }
    }

    [Fact]
    public async Task NoAgentsButAcceptingChatsLeavesTheRoomQueued()
    {
        var emptyDepartment = await factory.CreateDepartmentAsync();
        var (token, _) = await factory.CreateVisitorAsync(emptyDepartment);
        await factory.SetSettingAsync("Livechat_accept_chats_with_no_agents", true);
        try
        {
            var room = await factory.OpenRoomAsync(token);

            Assert.False(room.TryGetProperty("servedBy", out _));
            Assert.Equal(room.Str("ts"), room.Str("queuedAt"));
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_accept_chats_with_no_agents", false);
        }
    }

    [Fact]
    public async Task RoomsInfoFollowsTheAccessRule()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var other = await factory.CreateAgentAsync();
        var rid = room.Str("_id");

        var served = await agent.Api.GetAsync($"rooms.info?roomId={rid}");
        var manager = await (await factory.AdminAsync()).GetAsync($"rooms.info?roomId={rid}");

        Assert.Equal(room.AsStaffSeeIt(), served.Ok().Json.GetProperty("room").GetRawText());
        served.Is(200, $$"""{"room":{{room.AsStaffSeeIt()}},"success":true}""");
        manager.Ok();
        (await other.Api.GetAsync($"rooms.info?roomId={rid}")).Is(400, """{"success":false,"error":"not-allowed","errorType":"Not Allowed"}""");
        (await agent.Api.GetAsync("rooms.info")).Is(400,
            """{"success":false,"error":"The parameter \"roomId\" or \"roomName\" is required [error-roomid-param-not-provided]","errorType":"error-roomid-param-not-provided"}""");
        (await agent.Api.GetAsync("rooms.info?roomId=nope")).Is(400,
            """{"success":false,"error":"The required \"roomId\" or \"roomName\" param provided does not match any channel [error-room-not-found]","errorType":"error-room-not-found"}""");
        (await factory.Anonymous().GetAsync("rooms.info?roomId=x")).Is(401,
            """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
    }

    [Fact]
    public async Task VisitorClosesTheRoomWithAllClosingEffects()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");

        var reply = await factory.Anonymous().PostAsync("livechat/room.close", new { token, rid });

        reply.Is(200, $$"""{"rid":"{{rid}}","comment":"Closed by visitor","success":true}""");
        var closed = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.False(closed.TryGetProperty("open", out _));
        Assert.Equal("visitor", closed.Str("closer"));
        Assert.Equal($$"""{"_id":"{{room.GetProperty("v").Str("_id")}}","username":"{{room.GetProperty("v").Str("username")}}"}""",
            closed.GetProperty("closedBy").GetRawText());
        Assert.Equal("offline", closed.GetProperty("v").Str("status"));
        Assert.Equal(1, closed.GetProperty("msgs").GetInt32());
        Assert.True(closed.GetProperty("metrics").GetProperty("chatDuration").GetDouble() >= 0);
        Assert.Equal("livechat-close", closed.GetProperty("lastMessage").Str("t"));
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token, rid })).Is(400, """{"success":false,"error":"room-closed"}""");
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token = "nope", rid })).Is(400, """{"success":false,"error":"invalid-token"}""");
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token, rid = "nope" })).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token })).Is(400,
            """{"success":false,"error":"must have required property 'rid' [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task RegistrationAndRoomOpeningCostABoundedNumberOfRoundTrips()
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        // A registration that finds its block of guest numbers used up reserves the next one first: measure one that does not.
        Reply registered;
        string token;
        do
        {
            token = TestUsers.Unique("trips");
            registered = await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token, name = "Tess Trips" } });
        }
        while (await GuestNumberReservedAsync(registered));
        var (next, _) = await factory.CreateVisitorAsync(department);

        var opened = await factory.Anonymous().GetAsync($"livechat/room?token={next}");
        var again = await factory.Anonymous().GetAsync($"livechat/room?token={next}");
        var reregistered = await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token = next } });

        Assert.True(opened.Ok().Json.GetProperty("newRoom").GetBoolean());
        Assert.Equal(agent.Id, opened.Json.GetProperty("room").GetProperty("servedBy").Str("_id"));
        again.Ok();
        reregistered.Ok();
        // Each bound has one more for the settings snapshot, which a request reloads when it is older than two seconds.
        var postgres = factory.Provider == "Postgres";
        // The token's visitor (one read), then the visitor's insert and, on PostgreSQL, the commit (Npgsql sends BEGIN with it).
        Assert.InRange(Trips(registered), 1, (postgres ? 3 : 2) + 1);
        Assert.InRange(Trips(reregistered), 1, (postgres ? 3 : 2) + 1);
        // The visitor with their open room's id (one read), the candidates, the batched inserts (room, inquiry, change event;
        // on SQLite each a command of its own, in process), the visitor's lastChat with the agent's lastRoutingTime, the commit.
        Assert.InRange(Trips(opened), 1, (postgres ? 5 : 6) + 1);
        // An open room: the visitor with its id, then the room.
        Assert.InRange(Trips(again), 1, 2 + 1);

        static int Trips(Reply reply) =>
            int.Parse(reply.Headers.GetValues("X-Db-Round-Trips").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Task<bool> GuestNumberReservedAsync(Reply reply) => factory.WithDbAsync(async db =>
            reply.Ok().Json.GetProperty("visitor").Str("username")
                == $"guest-{long.Parse((await db.Settings.FindAsync("Livechat_guest_count"))!.Value, System.Globalization.CultureInfo.InvariantCulture) - GuestNumbers.Block + 1}");
    }

    [Fact]
    public async Task ARoomIdFindsOnlyTheVisitorsOwnOpenRoom()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var (other, otherToken, _, _) = await factory.CreateServedRoomAsync();

        var own = await factory.Anonymous().GetAsync($"livechat/room?token={token}&rid={rid}");

        Assert.Equal(rid, own.Ok().Json.GetProperty("room").Str("_id"));
        Assert.False(own.Json.GetProperty("newRoom").GetBoolean());
        Assert.Equal($"\"{own.Json.GetProperty("room").GetProperty("_version").GetInt32()}\"", own.Header("ETag"));
        (await factory.Anonymous().GetAsync($"livechat/room?token={token}&rid={other.Str("_id")}")).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token, rid })).Ok();
        (await factory.Anonymous().GetAsync($"livechat/room?token={token}&rid={rid}")).Is(400, """{"success":false,"error":"invalid-room"}""");
        var reopened = (await factory.Anonymous().GetAsync($"livechat/room?token={token}")).Ok().Json;
        Assert.True(reopened.GetProperty("newRoom").GetBoolean());
        Assert.NotEqual(rid, reopened.GetProperty("room").Str("_id"));
        Assert.Equal(other.Str("_id"), (await factory.Anonymous().GetAsync($"livechat/room?token={otherToken}")).Ok().Json.GetProperty("room").Str("_id"));
    }

    [Fact]
    public async Task VisitorCloseCanBeSwitchedOff()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        await factory.SetSettingAsync("Omnichannel_allow_visitors_to_close_conversation", false);
        try
        {
            var reply = await factory.Anonymous().PostAsync("livechat/room.close", new { token, rid = room.Str("_id") });

            reply.Is(400, """{"success":false,"error":"error-not-allowed-to-close-conversation"}""");
        }
        finally
        {
            await factory.SetSettingAsync("Omnichannel_allow_visitors_to_close_conversation", true);
        }
    }

    [Fact]
    public async Task AgentClosesTheRoomWithCommentAndTags()
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(new { chatClosingTags = new List<string> { "dept-tag" } }, agent);
        var (token, _) = await factory.CreateVisitorAsync(department);
        var rid = (await factory.OpenRoomAsync(token)).Str("_id");
        var other = await factory.CreateAgentAsync();

        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid })).Is(400, """{"success":false,"error":"error-comment-is-required"}""");
        (await other.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "x" })).Is(400, """{"success":false,"error":"error-not-authorized"}""");
        var reply = await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "done", tags = new List<string> { " vip ", "vip", "" } });

        reply.Is(200, """{"success":true}""");
        var closed = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal("""["vip","dept-tag"]""", closed.GetProperty("tags").GetRawText());
        Assert.Equal("user", closed.Str("closer"));
        Assert.Equal($$"""{"_id":"{{agent.Id}}","username":"{{agent.Username}}"}""", closed.GetProperty("closedBy").GetRawText());
        Assert.True(closed.GetProperty("metrics").TryGetProperty("serviceTimeDuration", out _));
        Assert.Equal("done", closed.GetProperty("lastMessage").Str("msg"));
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "x" })).Is(400, """{"success":false,"error":"error-room-already-closed"}""");
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid = "nope" })).Is(400, """{"success":false,"error":"error-invalid-room"}""");
        var plain = await factory.CreateUserAsync();
        (await plain.Api.PostAsync("livechat/room.closeByUser", new { rid })).Is(403, Unauthorized403);
    }

    [Fact]
    public async Task DepartmentRequiringTagsBlocksCloseWithoutTags()
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(new { requestTagBeforeClosingChat = true }, agent);
        var (token, _) = await factory.CreateVisitorAsync(department);
        var rid = (await factory.OpenRoomAsync(token)).Str("_id");

        var refused = await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "c" });
        var accepted = await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "c", tags = new List<string> { "t1" } });

        refused.Is(400, """{"success":false,"error":"error-tags-must-be-assigned-before-closing-chat"}""");
        accepted.Is(200, """{"success":true}""");
    }

    [Fact]
    public async Task ConcurrentRoomRequestsOfOneVisitorOpenOneRoom()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token, rid = room.Str("_id") })).Ok();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => factory.Anonymous().GetAsync($"livechat/room?token={token}")));

        Assert.All(replies, r => r.Ok());
        Assert.Single(replies.Select(r => r.Json.GetProperty("room").Str("_id")).Distinct());
        Assert.Single(replies, r => r.Json.GetProperty("newRoom").GetBoolean());
    }
}

public sealed class RoomEndpointsSqliteTests(SqliteServerFactory factory) : RoomEndpointsTests<SqliteServerFactory>(factory);

public sealed class RoomEndpointsPostgresTests(PostgresServerFactory factory) : RoomEndpointsTests<PostgresServerFactory>(factory);
