using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Handover;

public abstract class HandoverEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    sealed record Served(string Rid, string Token, TestUser Agent, string Department);

    /// <summary>A room served by a new agent, in a department of its own (with <paramref name="extra"/> department fields).</summary>
    async Task<Served> ServedRoomAsync(object? extra = null)
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(extra, agent);
        var (token, _) = await factory.CreateVisitorAsync(department);
        var room = await factory.OpenRoomAsync(token);
        Assert.Equal(agent.Id, room.GetProperty("servedBy").Str("_id"));
        return new Served(room.Str("_id"), token, agent, department);
    }

    Task<TestUser> ManagerAsync() => factory.CreateUserAsync("user", "livechat-manager");

    async Task<TestUser> AwayAgentAsync()
    {
        var agent = await factory.CreateAgentAsync();
        (await agent.Api.PostAsync("livechat/agent.status", new { status = "not-available" })).Ok();
        return agent;
    }

    async Task<string> DepartmentNameAsync(string id) =>
        (await (await factory.AdminAsync()).GetAsync($"livechat/department/{id}")).Ok().Json.GetProperty("department").Str("name");

    async Task<JsonElement> RoomAsync(string rid) =>
        (await (await factory.AdminAsync()).GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");

    /// <summary>The room's messages as its visitor reads them, oldest first.</summary>
    async Task<List<JsonElement>> HistoryAsync(Served served) =>
        [.. (await factory.Anonymous().GetAsync($"livechat/messages.history/{served.Rid}?token={served.Token}&limit=100")).Ok().Json
            .GetProperty("messages").EnumerateArray().Reverse()];

    async Task<string> NextAsync(string department) => $$"""{"_id":"{{department}}","name":"{{await DepartmentNameAsync(department)}}"}""";

    static string By(TestUser user, string userType) =>
        $$"""{"_id":"{{user.Id}}","username":"{{user.Username}}","name":"Name {{user.Username}}","userType":"{{userType}}"}""";

    static string To(TestUser user) => $$"""{"_id":"{{user.Id}}","username":"{{user.Username}}","name":"Name {{user.Username}}"}""";

    [Fact]
    public async Task ForwardToAnAgentMovesTheChatAndTellsTheVisitor()
    {
        var served = await ServedRoomAsync();
        var other = await factory.CreateAgentAsync();
        var manager = await ManagerAsync();
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await visitor.SubscribeAsVisitorAsync("stream-room-messages", served.Rid, served.Token);
        await using var previous = await DdpClient.LoginAsync(factory, served.Agent);
        await previous.SubscribeAsUserAsync("stream-notify-user", $"{served.Agent.Id}/rooms-changed");

        var reply = await manager.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, userId = other.Id, comment = "billing question" });

        reply.Is(200, """{"success":true}""");
        var removed = await previous.NextEventAsync("stream-notify-user", $"{served.Agent.Id}/rooms-changed", a => (string?)a[1]!["_id"] == served.Rid);
        Assert.Equal("removed", (string?)removed[0]);
        var room = await RoomAsync(served.Rid);
        Assert.Equal(other.Id, room.GetProperty("servedBy").Str("_id"));
        Assert.Equal(served.Department, room.Str("departmentId"));
        var live = (await visitor.NextEventAsync("stream-room-messages", served.Rid, a => (string?)a[0]!["t"] == "livechat_transfer_history"))[0]!;
        var message = (await HistoryAsync(served)).Single(m => m.Str("t") == "livechat_transfer_history");
        var ts = message.GetProperty("transferData").Str("ts");
        var transferData = $$"""
            {"transferredBy":{{By(manager, "user")}},"ts":"{{ts}}","scope":"agent","comment":"billing question",
            "previousDepartment":"{{served.Department}}","transferredTo":{{To(other)}}}
            """.Replace("\n", "", StringComparison.Ordinal);
        Assert.Equal($$"""
            {"_id":"{{message.Str("_id")}}","t":"livechat_transfer_history","rid":"{{served.Rid}}","msg":"","ts":"{{message.Str("ts")}}",
            "u":{"_id":"{{manager.Id}}","username":"{{manager.Username}}"},"groupable":false,"transferData":{{transferData}},
            "_updatedAt":"{{message.Str("ts")}}"}
            """.Replace("\n", "", StringComparison.Ordinal), message.GetRawText());
        Assert.Equal(message.Str("ts"), ts);
        // Over DDP the transfer's date is EJSON, as every date of a message.
        var liveData = live["transferData"]!.AsObject();
        Assert.Equal(DateTimeOffset.Parse(ts, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), (long)liveData["ts"]!["$date"]!);
        var expected = JsonNode.Parse(transferData)!.AsObject();
        expected.Remove("ts");
        liveData.Remove("ts");
        Assert.Equal(expected.ToJsonString(), liveData.ToJsonString());
    }

    [Fact]
    public async Task ForwardAnswersRocketChatsRefusalsAndChangesNothing()
    {
        var target = await factory.CreateDepartmentAsync(null, await factory.CreateAgentAsync());
        var allowedOnly = await factory.CreateDepartmentAsync();
        var served = await ServedRoomAsync(new { departmentsAllowedToForward = new[] { allowedOnly } });
        var manager = await ManagerAsync();
        var away = await AwayAgentAsync();
        var outsider = await factory.CreateAgentAsync();
        static string Error(string error) => $$"""{"success":false,"error":"{{error}}"}""";
        Task<Reply> Forward(object body) => manager.Api.PostAsync("livechat/room.forward", body);

        (await served.Agent.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, userId = outsider.Id })).Is(403, TestData.Forbidden);
        (await Forward(new { roomId = "nope", userId = outsider.Id })).Is(400, Error("error-invalid-room"));
        (await Forward(new { userId = outsider.Id })).Is(400,
            """{"success":false,"error":"must have required property 'roomId' [invalid-params]","errorType":"invalid-params"}""");
        (await Forward(new { roomId = served.Rid, userId = away.Id })).Is(400, Error("error-user-is-offline"));
        (await Forward(new { roomId = served.Rid, userId = "nobody" })).Is(400, Error("error-user-is-offline"));
        (await Forward(new { roomId = served.Rid, userId = served.Agent.Id })).Is(400, Error("error-selected-agent-room-agent-are-same"));
        (await Forward(new { roomId = served.Rid, departmentId = "nope" })).Is(400, Error("error-invalid-department"));
        (await Forward(new { roomId = served.Rid, departmentId = target })).Is(400, """
            {"success":false,"error":"The forwarding to the target department is not allowed. [error-forwarding-department-target-not-allowed]","errorType":"error-forwarding-department-target-not-allowed"}
            """.Trim());
        var plain = await ServedRoomAsync();
        (await Forward(new { roomId = plain.Rid, departmentId = plain.Department })).Is(400, Error("error-forwarding-chat-same-department"));
        (await Forward(new { roomId = served.Rid, departmentId = allowedOnly, userId = outsider.Id })).Is(400, Error("error-user-not-belong-to-department"));
        (await Forward(new { roomId = served.Rid, comment = "to whom?" })).Is(400, Error("error-forwarding-chat"));

        var room = await RoomAsync(served.Rid);
        Assert.Equal(served.Agent.Id, room.GetProperty("servedBy").Str("_id"));
        Assert.Equal(served.Department, room.Str("departmentId"));
        Assert.DoesNotContain(await HistoryAsync(served), m => m.TryGetProperty("t", out var t) && t.GetString() == "livechat_transfer_history");
        (await served.Agent.Api.PostAsync("livechat/room.closeByUser", new { rid = served.Rid, comment = "done" })).Ok();
        (await Forward(new { roomId = served.Rid, userId = outsider.Id })).Is(400, Error("This_conversation_is_already_closed"));
    }

    [Fact]
    public async Task ForwardToADepartmentGivesTheChatToOneOfItsAgents()
    {
        var agent = await factory.CreateAgentAsync();
        var target = await factory.CreateDepartmentAsync(null, agent);
        var served = await ServedRoomAsync(new { departmentsAllowedToForward = new[] { target } });
        var manager = await ManagerAsync();

        (await manager.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, departmentId = target })).Is(200, """{"success":true}""");

        var room = await RoomAsync(served.Rid);
        Assert.Equal(agent.Id, room.GetProperty("servedBy").Str("_id"));
        Assert.Equal(target, room.Str("departmentId"));
        var data = (await HistoryAsync(served)).Single(m => m.Str("t") == "livechat_transfer_history").GetProperty("transferData");
        Assert.Equal($$"""
            {"transferredBy":{{By(manager, "user")}},"ts":"{{data.Str("ts")}}","scope":"department","previousDepartment":"{{served.Department}}",
            "nextDepartment":{{await NextAsync(target)}}}
            """.Replace("\n", "", StringComparison.Ordinal), data.GetRawText());
    }

    [Fact]
    public async Task ForwardToADepartmentAndOneOfItsAgentsGivesThatAgentTheChatLive()
    {
        var first = await factory.CreateAgentAsync();
        var chosen = await factory.CreateAgentAsync();
        var target = await factory.CreateDepartmentAsync(null, first, chosen);
        // The chosen agent is the busier one: the request, not the routing, picks them.
        var (busyToken, _) = await factory.CreateVisitorAsync(target);
        await factory.OpenRoomAsync(busyToken, chosen);
        var served = await ServedRoomAsync();
        var manager = await ManagerAsync();
        await using var chosenDdp = await DdpClient.LoginAsync(factory, chosen);
        await chosenDdp.SubscribeAsUserAsync("stream-notify-user", $"{chosen.Id}/rooms-changed");

        (await manager.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, departmentId = target, userId = chosen.Id }))
            .Is(200, """{"success":true}""");

        var change = await chosenDdp.NextEventAsync("stream-notify-user", $"{chosen.Id}/rooms-changed", a => (string?)a[1]!["_id"] == served.Rid);
        Assert.Equal(chosen.Id, (string?)change[1]!["servedBy"]!["_id"]);
        Assert.Equal(target, (string?)change[1]!["departmentId"]);
        var data = (await HistoryAsync(served)).Single(m => m.Str("t") == "livechat_transfer_history").GetProperty("transferData");
        Assert.Equal(To(chosen), data.GetProperty("transferredTo").GetRawText());
    }

    [Fact]
    public async Task ForwardToADepartmentUnderManualSelectionQueuesTheChatThere()
    {
        var agent = await factory.CreateAgentAsync();
        var target = await factory.CreateDepartmentAsync(null, agent);
        var served = await ServedRoomAsync();
        await factory.SetSettingAsync("Livechat_Routing_Method", "Manual_Selection");
        try
        {
            (await (await ManagerAsync()).Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, departmentId = target }))
                .Is(200, """{"success":true}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_Routing_Method", "Auto_Selection");
        }

        var room = await RoomAsync(served.Rid);
        Assert.False(room.TryGetProperty("servedBy", out _));
        Assert.Equal(target, room.Str("departmentId"));
        Assert.Contains((await agent.Api.GetAsync($"livechat/inquiries.queued?department={target}")).Ok().Json.GetProperty("inquiries").EnumerateArray(),
            i => i.Str("rid") == served.Rid);
    }

    [Fact]
    public async Task ForwardToADepartmentWithNobodyFreeQueuesTheChatThere()
    {
        var away = await AwayAgentAsync();
        var target = await factory.CreateDepartmentAsync(null, away);
        var served = await ServedRoomAsync();
        var manager = await ManagerAsync();

        (await manager.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, departmentId = target })).Is(200, """{"success":true}""");

        var room = await RoomAsync(served.Rid);
        Assert.False(room.TryGetProperty("servedBy", out _));
        Assert.Equal(target, room.Str("departmentId"));
        var queued = (await away.Api.GetAsync($"livechat/inquiries.queued?department={target}")).Ok().Json.GetProperty("inquiries").EnumerateArray()
            .Single(i => i.Str("rid") == served.Rid);
        Assert.Equal("queued", queued.Str("status"));
        Assert.Equal(target, queued.Str("department"));
        // The agent who handed it over no longer serves it.
        (await served.Agent.Api.PostAsync("chat.sendMessage", new { message = new { rid = served.Rid, msg = "still here?" } }))
            .Is(400, """{"success":false,"error":"[error-not-allowed]","errorType":"error-not-allowed"}""");
    }

    [Fact]
    public async Task FallbackDepartmentTakesTheChatWhenNobodyInTheDepartmentCan()
    {
        var fallbackAgent = await factory.CreateAgentAsync();
        var fallback = await factory.CreateDepartmentAsync(null, fallbackAgent);
        var target = await factory.CreateDepartmentAsync(new { fallbackForwardDepartment = fallback }, await AwayAgentAsync());
        var served = await ServedRoomAsync();
        var manager = await ManagerAsync();

        (await manager.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, departmentId = target, comment = "sales" }))
            .Is(200, """{"success":true}""");

        var room = await RoomAsync(served.Rid);
        Assert.Equal(fallbackAgent.Id, room.GetProperty("servedBy").Str("_id"));
        Assert.Equal(fallback, room.Str("departmentId"));
        var history = await HistoryAsync(served);
        var notice = history.Single(m => m.Str("t") == "livechat_transfer_history_fallback").GetProperty("transferData");
        Assert.Equal(await DepartmentNameAsync(target), notice.Str("prevDepartment"));
        Assert.Equal(fallback, notice.GetProperty("department").Str("_id"));
        var data = history.Single(m => m.Str("t") == "livechat_transfer_history").GetProperty("transferData");
        Assert.Equal("department", data.Str("scope"));
        Assert.Equal("sales", data.Str("comment"));
        Assert.Equal(fallback, data.GetProperty("nextDepartment").Str("_id"));
    }

    [Fact]
    public async Task TransferHistoryListsTheRoomsTransfersOldestFirst()
    {
        var agent = await factory.CreateAgentAsync();
        var target = await factory.CreateDepartmentAsync(null, agent);
        var served = await ServedRoomAsync();
        var manager = await ManagerAsync();
        var other = await factory.CreateAgentAsync();
        (await manager.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, userId = other.Id })).Ok();
        (await other.Api.PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = served.Rid })).Ok();
        (await manager.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, departmentId = target, comment = "to sales" })).Ok();

        var reply = await manager.Api.GetAsync($"livechat/transfer.history/{served.Rid}");

        var ts = reply.Ok().Json.GetProperty("history").EnumerateArray().Select(h => h.Str("ts")).ToList();
        reply.Is(200, $$"""
            {"history":[{"transferredBy":{{By(manager, "user")}},"ts":"{{ts[0]}}","scope":"agent","previousDepartment":"{{served.Department}}",
            "transferredTo":{{To(other)}}},
            {"transferredBy":{{By(other, "agent")}},"ts":"{{ts[1]}}","scope":"queue","previousDepartment":"{{served.Department}}"},
            {"transferredBy":{{By(manager, "user")}},"ts":"{{ts[2]}}","scope":"department","comment":"to sales",
            "previousDepartment":"{{served.Department}}","nextDepartment":{{await NextAsync(target)}}}],
            "count":3,"offset":0,"total":3,"success":true}
            """.Replace("\n", "", StringComparison.Ordinal));
        var page = (await manager.Api.GetAsync($"livechat/transfer.history/{served.Rid}?offset=1&count=1&sort={{\"ts\":-1}}")).Ok().Json;
        Assert.Equal([ts[1]], page.GetProperty("history").EnumerateArray().Select(h => h.Str("ts")));
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        (await manager.Api.GetAsync("livechat/transfer.history/nope")).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await agent.Api.GetAsync($"livechat/transfer.history/{served.Rid}")).Is(403, TestData.Forbidden);
    }

    [Fact]
    public async Task TheWidgetsDepartmentSwitchFollowsTheSetting()
    {
        var agent = await factory.CreateAgentAsync();
        var target = await factory.CreateDepartmentAsync(null, agent);
        var served = await ServedRoomAsync();
        var (otherToken, _) = await factory.CreateVisitorAsync();
        var visitor = factory.Anonymous();
        await factory.SetSettingAsync("Livechat_allow_switching_departments", false);
        try
        {
            (await visitor.PostAsync("livechat/room.transfer", new { rid = served.Rid, token = served.Token, department = target }))
                .Is(400, """{"success":false,"error":"error-not-allowed"}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_allow_switching_departments", true);
        }
        Assert.Equal(served.Agent.Id, (await RoomAsync(served.Rid)).GetProperty("servedBy").Str("_id"));
        (await visitor.PostAsync("livechat/room.transfer", new { rid = served.Rid, token = "nope-nope", department = target }))
            .Is(400, """{"success":false,"error":"invalid-token"}""");
        (await visitor.PostAsync("livechat/room.transfer", new { rid = served.Rid, token = otherToken, department = target }))
            .Is(400, """{"success":false,"error":"invalid-room"}""");

        var reply = await visitor.PostAsync("livechat/room.transfer", new { rid = served.Rid, token = served.Token, department = target });

        var room = reply.Ok().Json.GetProperty("room");
        Assert.Equal(target, room.Str("departmentId"));
        Assert.Equal(agent.Id, room.GetProperty("servedBy").Str("_id"));
        Assert.Equal(served.Token, room.GetProperty("v").Str("token"));
        var message = (await HistoryAsync(served)).Single(m => m.Str("t") == "livechat_transfer_history");
        Assert.Equal(served.Token, message.Str("token"));
        var by = message.GetProperty("transferData").GetProperty("transferredBy");
        Assert.Equal("visitor", by.Str("userType"));
        Assert.Equal(room.GetProperty("v").Str("_id"), by.Str("_id"));
        (await visitor.PostAsync("livechat/room.transfer", new { rid = served.Rid, token = served.Token, department = target }))
            .Is(400, """{"success":false,"error":"error-forwarding-chat-same-department"}""");
    }

    [Fact]
    public async Task ReturnAsInquiryPutsTheChatBackInTheQueue()
    {
        var served = await ServedRoomAsync();
        var stranger = await factory.CreateAgentAsync();
        var plain = await factory.CreateUserAsync();
        (await stranger.Api.PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = served.Rid }))
            .Is(400, """{"success":false,"error":"error-not-allowed"}""");
        (await plain.Api.PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = served.Rid })).Is(403, TestData.Forbidden);
        (await served.Agent.Api.PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = "nope" }))
            .Is(400, """{"success":false,"error":"error-room-not-found"}""");

        var reply = await served.Agent.Api.PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = served.Rid });

        reply.Is(200, """{"result":true,"success":true}""");
        Assert.False((await RoomAsync(served.Rid)).TryGetProperty("servedBy", out _));
        var inquiry = (await served.Agent.Api.GetAsync($"livechat/inquiries.queued?department={served.Department}")).Ok().Json
            .GetProperty("inquiries").EnumerateArray().Single(i => i.Str("rid") == served.Rid);
        Assert.Equal("queued", inquiry.Str("status"));
        var data = (await HistoryAsync(served)).Single(m => m.Str("t") == "livechat_transfer_history").GetProperty("transferData");
        Assert.Equal($$"""
            {"transferredBy":{{By(served.Agent, "agent")}},"ts":"{{data.Str("ts")}}","scope":"queue","previousDepartment":"{{served.Department}}"}
            """.Trim(), data.GetRawText());
        (await served.Agent.Api.PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = served.Rid }))
            .Is(200, """{"result":false,"success":true}""");
        (await served.Agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId = inquiry.Str("_id") })).Ok();
        Assert.Equal(served.Agent.Id, (await RoomAsync(served.Rid)).GetProperty("servedBy").Str("_id"));
    }

    [Fact]
    public async Task ReturnAsInquiryToAnotherDepartmentMovesTheChatThere()
    {
        var served = await ServedRoomAsync();
        var away = await AwayAgentAsync();
        var target = await factory.CreateDepartmentAsync(null, away);
        (await served.Agent.Api.PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = served.Rid, departmentId = "nope" }))
            .Is(400, """{"success":false,"error":"error-invalid-department"}""");

        (await served.Agent.Api.PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = served.Rid, departmentId = target }))
            .Is(200, """{"result":true,"success":true}""");

        var room = await RoomAsync(served.Rid);
        Assert.Equal(target, room.Str("departmentId"));
        Assert.False(room.TryGetProperty("servedBy", out _));
        Assert.Contains((await away.Api.GetAsync($"livechat/inquiries.queued?department={target}")).Ok().Json.GetProperty("inquiries").EnumerateArray(),
            i => i.Str("rid") == served.Rid);
        (await served.Agent.Api.PostAsync("livechat/room.closeByUser", new { rid = served.Rid, comment = "done" })).Is(400, """{"success":false,"error":"error-not-authorized"}""");
        (await (await factory.AdminAsync()).PostAsync("livechat/room.closeByUser", new { rid = served.Rid, comment = "done" })).Ok();
        (await (await factory.AdminAsync()).PostAsync("livechat/inquiries.returnAsInquiry", new { roomId = served.Rid }))
            .Is(400, """{"success":false,"error":"room-closed"}""");
    }

    [Fact]
    public async Task AJoinedSupervisorMayWriteAndTheVisitorSeesTheJoin()
    {
        var served = await ServedRoomAsync();
        var supervisor = await ManagerAsync();
        var stranger = await factory.CreateAgentAsync();
        await using var visitor = await DdpClient.ConnectAsync(factory);
        await visitor.SubscribeAsVisitorAsync("stream-room-messages", served.Rid, served.Token);
        var notAllowed = """{"success":false,"error":"[error-not-allowed]","errorType":"error-not-allowed"}""";
        (await supervisor.Api.PostAsync("chat.sendMessage", new { message = new { rid = served.Rid, msg = "Hello from a supervisor" } })).Is(400, notAllowed);
        (await stranger.Api.GetAsync($"livechat/room.join?roomId={served.Rid}")).Is(400, """{"success":false,"error":"error-not-allowed"}""");
        (await supervisor.Api.GetAsync("livechat/room.join?roomId=nope")).Is(400, """{"success":false,"error":"error-invalid-room"}""");
        (await supervisor.Api.GetAsync("livechat/room.join")).Is(400,
            """{"success":false,"error":"must have required property 'roomId' [invalid-params]","errorType":"invalid-params"}""");
        (await (await factory.CreateUserAsync()).Api.GetAsync($"livechat/room.join?roomId={served.Rid}")).Is(403, TestData.Forbidden);

        var reply = await supervisor.Api.GetAsync($"livechat/room.join?roomId={served.Rid}");

        reply.Is(200, """{"success":true}""");
        var live = (await visitor.NextEventAsync("stream-room-messages", served.Rid, a => (string?)a[0]!["t"] == "uj"))[0]!;
        Assert.Equal(supervisor.Username, (string?)live["msg"]);
        var joined = (await HistoryAsync(served)).Single(m => m.Str("t") == "uj");
        Assert.Equal($$"""
            {"_id":"{{joined.Str("_id")}}","t":"uj","rid":"{{served.Rid}}","msg":"{{supervisor.Username}}","ts":"{{joined.Str("ts")}}",
            "u":{"_id":"{{supervisor.Id}}","username":"{{supervisor.Username}}","name":"Name {{supervisor.Username}}"},"groupable":false,
            "_updatedAt":"{{joined.Str("ts")}}"}
            """.Replace("\n", "", StringComparison.Ordinal), joined.GetRawText());
        (await supervisor.Api.PostAsync("chat.sendMessage", new { message = new { rid = served.Rid, msg = "Hello from a supervisor" } })).Ok();
        var message = (await visitor.NextEventAsync("stream-room-messages", served.Rid, a => (string?)a[0]!["msg"] == "Hello from a supervisor"))[0]!;
        Assert.Equal(supervisor.Id, (string?)message["u"]!["_id"]);
        (await supervisor.Api.GetAsync($"livechat/room.join?roomId={served.Rid}")).Is(200, """{"success":true}""");
        Assert.Single(await HistoryAsync(served), m => m.TryGetProperty("t", out var t) && t.GetString() == "uj");
        Assert.Equal(served.Agent.Id, (await RoomAsync(served.Rid)).GetProperty("servedBy").Str("_id"));

        // A transfer removes who joined, as Rocket.Chat removes the room's subscriptions.
        var other = await factory.CreateAgentAsync();
        (await supervisor.Api.PostAsync("livechat/room.forward", new { roomId = served.Rid, userId = other.Id })).Ok();
        (await supervisor.Api.PostAsync("chat.sendMessage", new { message = new { rid = served.Rid, msg = "still joined?" } })).Is(400, notAllowed);
        (await other.Api.PostAsync("livechat/room.closeByUser", new { rid = served.Rid, comment = "done" })).Ok();
        (await supervisor.Api.GetAsync($"livechat/room.join?roomId={served.Rid}")).Is(400, """{"success":false,"error":"room-closed"}""");
    }

    [Fact]
    public async Task AnAgentWhoJoinedAQueuedRoomKeepsItWhenAnotherAgentTakesIt()
    {
        var rid = (await factory.OpenQueuedRoomAsync()).Str("_id");
        var joiner = await factory.CreateAgentAsync();
        var taker = await factory.CreateAgentAsync();
        (await joiner.Api.GetAsync($"livechat/room.join?roomId={rid}")).Is(200, """{"success":true}""");
        var inquiryId = (await taker.Api.GetAsync("livechat/inquiries.queued?count=0")).Ok().Json.GetProperty("inquiries").EnumerateArray()
            .Single(i => i.Str("rid") == rid).Str("_id");

        (await taker.Api.PostAsync("livechat/inquiries.take", new { inquiryId })).Ok();

        // Served by someone else now, the room stays the joiner's to see and to write in (Rocket.Chat keeps the subscription).
        Assert.Equal(taker.Id, (await joiner.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetProperty("servedBy").Str("_id"));
        (await joiner.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "I can help too" } })).Ok();
        var stranger = await factory.CreateAgentAsync();
        (await stranger.Api.GetAsync($"rooms.info?roomId={rid}")).Is(400, """{"success":false,"error":"not-allowed","errorType":"Not Allowed"}""");
    }
}

public sealed class HandoverEndpointsSqliteTests(SqliteServerFactory factory) : HandoverEndpointsTests<SqliteServerFactory>(factory);

public sealed class HandoverEndpointsPostgresTests(PostgresServerFactory factory) : HandoverEndpointsTests<PostgresServerFactory>(factory);
