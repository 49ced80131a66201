using System.Text.Json.Nodes;
using Livechat.Server.Events;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Messages;

public abstract class MessageEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task VisitorAndAgentExchangeMessages()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var v = room.GetProperty("v");

        var fromVisitor = await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "hello", _id = TestUsers.Unique("m") });
        var fromAgent = await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "hi there" } });

        var vm = fromVisitor.Ok().Json.GetProperty("message");
        fromVisitor.Is(200, $$"""
            {"message":{"_id":"{{vm.Str("_id")}}","rid":"{{rid}}","msg":"hello","ts":"{{vm.Str("ts")}}",
            "u":{"_id":"{{v.Str("_id")}}","username":"{{v.Str("username")}}"},"token":"{{token}}","urls":[],"mentions":[],"channels":[],
            "_updatedAt":"{{vm.Str("ts")}}"},"success":true}
            """);
        var am = fromAgent.Ok().Json.GetProperty("message");
        fromAgent.Is(200, $$"""
            {"message":{"_id":"{{am.Str("_id")}}","rid":"{{rid}}","msg":"hi there","ts":"{{am.Str("ts")}}",
            "u":{"_id":"{{agent.Id}}","username":"{{agent.Username}}","name":"Name {{agent.Username}}"},"urls":[],"mentions":[],"channels":[],
            "_updatedAt":"{{am.Str("ts")}}"},"success":true}
            """);
        var after = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal(2, after.GetProperty("msgs").GetInt32());
        Assert.False(after.TryGetProperty("waitingResponse", out _));
        Assert.Equal(am.Str("ts"), after.Str("lm"));
        Assert.Equal(vm.Str("ts"), after.GetProperty("v").Str("lastMessageTs"));
        Assert.Equal($$"""{"_id":"{{agent.Id}}","username":"{{agent.Username}}","firstResponseTs":"{{am.Str("ts")}}","lastMessageTs":"{{am.Str("ts")}}"}""",
            after.GetProperty("responseBy").GetRawText());
        Assert.Equal(am.GetRawText(), after.GetProperty("lastMessage").GetRawText());
    }

    [Fact]
    public async Task VisitorMessageChecksAnswerPlainCodes()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var api = factory.Anonymous();

        (await api.PostAsync("livechat/message", new { token = "nope", rid, msg = "x" })).Is(400, """{"success":false,"error":"invalid-token"}""");
        (await api.PostAsync("livechat/message", new { token, rid = "nope", msg = "x" })).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await api.PostAsync("livechat/message", new { token, rid })).Is(400,
            """{"success":false,"error":"must have required property 'msg' [invalid-params]","errorType":"invalid-params"}""");
        await factory.SetSettingAsync("Livechat_enable_message_character_limit", true);
        await factory.SetSettingAsync("Livechat_message_character_limit", 3);
        try
        {
            (await api.PostAsync("livechat/message", new { token, rid, msg = "toolong" }))
                .Is(400, """{"success":false,"error":"message-length-exceeds-character-limit"}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_enable_message_character_limit", false);
            await factory.SetSettingAsync("Livechat_message_character_limit", 0);
        }
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "bye" })).Ok();
        (await api.PostAsync("livechat/message", new { token, rid, msg = "x" })).Is(400, """{"success":false,"error":"room-closed"}""");
    }

    [Fact]
    public async Task HistoryListsNewestFirstWithSystemMessages()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "one" })).Ok();
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "closing" })).Ok();

        var reply = await factory.Anonymous().GetAsync($"livechat/messages.history/{rid}?token={token}");

        var messages = reply.Ok().Json.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        var close = messages[0];
        Assert.Equal($$"""
            {"_id":"{{close.Str("_id")}}","t":"livechat-close","rid":"{{rid}}","msg":"closing","ts":"{{close.Str("ts")}}",
            "u":{"_id":"{{agent.Id}}","username":"{{agent.Username}}","name":"Name {{agent.Username}}"},"groupable":false,"_updatedAt":"{{close.Str("ts")}}"}
            """.Replace("\n", "", StringComparison.Ordinal), close.GetRawText());
        Assert.Equal("one", messages[1].Str("msg"));
        (await factory.Anonymous().GetAsync($"livechat/messages.history/{rid}")).Is(400,
            """{"success":false,"error":"The required \"token\" query param is missing. [error-token-param-not-provided]","errorType":"error-token-param-not-provided"}""");
        (await factory.Anonymous().GetAsync($"livechat/messages.history/{rid}?token=nope")).Is(400, """{"success":false,"error":"invalid-token"}""");
        (await factory.Anonymous().GetAsync($"livechat/messages.history/nope?token={token}")).Is(400, """{"success":false,"error":"invalid-room"}""");
    }

    [Fact]
    public async Task SendMessageChecksTheServingAgent()
    {
        var (room, _, _, _) = await factory.CreateServedRoomAsync();
        var other = await factory.CreateAgentAsync();

        (await other.Api.PostAsync("chat.sendMessage", new { message = new { rid = room.Str("_id"), msg = "x" } }))
            .Is(400, """{"success":false,"error":"[error-not-allowed]","errorType":"error-not-allowed"}""");
        (await other.Api.PostAsync("chat.sendMessage", new { message = new { rid = "nope", msg = "x" } }))
            .Is(400, """{"success":false,"error":"[error-invalid-room]","errorType":"error-invalid-room"}""");
        (await other.Api.PostAsync("chat.sendMessage", new { }))
            .Is(400, """{"success":false,"error":"The 'message' parameter must be provided. [error-invalid-params]","errorType":"error-invalid-params"}""");
    }

    [Fact]
    public async Task SyncMessagesReturnsUpdatesAfterLastUpdate()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var message = (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "sync me" })).Ok().Json.GetProperty("message");

        var reply = await agent.Api.GetAsync($"chat.syncMessages?roomId={rid}&lastUpdate=2000-01-01T00:00:00.000Z");

        reply.Is(200, $$"""{"result":{"updated":[{{message.AsStaffSeeIt()}}],"deleted":[]},"success":true}""");
        (await agent.Api.GetAsync($"chat.syncMessages?roomId={rid}")).Is(400,
            """{"success":false,"error":"The \"type\" or \"lastUpdate\" parameters must be provided [error-param-required]","errorType":"error-param-required"}""");
        (await agent.Api.GetAsync($"chat.syncMessages?roomId={rid}&lastUpdate=bad")).Is(400,
            """{"success":false,"error":"The \"lastUpdate\" query parameter must be a valid date [error-lastUpdate-param-invalid]","errorType":"error-lastUpdate-param-invalid"}""");
        (await agent.Api.GetAsync("chat.syncMessages")).Is(400,
            """{"success":false,"error":"must have required property 'roomId' [invalid-params]","errorType":"invalid-params"}""");
        var other = await factory.CreateAgentAsync();
        (await other.Api.GetAsync($"chat.syncMessages?roomId={rid}&lastUpdate=2000-01-01T00:00:00.000Z")).Is(400,
            """{"success":false,"error":"Not allowed [error-not-allowed]","errorType":"error-not-allowed"}""");
    }
    [Fact]
    public async Task TwentySimultaneousVisitorAndAgentMessagesAreAllStored()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var visitor = factory.Anonymous();

        // A message is an append: no write to the room in between may refuse it.
        var sends = Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? visitor.PostAsync("livechat/message", new { token, rid, msg = $"visitor {i}" })
            : agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = $"agent {i}" } }));
        var replies = await Task.WhenAll(sends);

        Assert.All(replies, r => r.Ok());
        var after = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal(20, after.GetProperty("msgs").GetInt32());
        var history = (await visitor.GetAsync($"livechat/messages.history/{rid}?token={token}&limit=50")).Ok().Json.GetProperty("messages");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? $"visitor {i}" : $"agent {i}").Order(),
            history.EnumerateArray().Select(m => m.Str("msg")).Order());
        // lastMessage and lm are the newest by time, whichever committed last (two of them may share a timestamp).
        var newest = history.EnumerateArray().Select(m => m.Str("ts")).Max(StringComparer.Ordinal);
        Assert.Equal(newest, after.GetProperty("lastMessage").Str("ts"));
        Assert.Equal(newest, after.Str("lm"));
    }

    [Fact]
    public async Task AMessageIdIsTakenOnceAndMustFitTheIndex()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var visitor = factory.Anonymous();
        var id = TestUsers.Unique("m");
        const string Duplicate = """{"success":false,"error":"Message id already exists [error-duplicate-id]","errorType":"error-duplicate-id"}""";
        const string TooLong = """{"success":false,"error":"id is longer than 1024 bytes [error-value-too-long]","errorType":"error-value-too-long"}""";

        (await visitor.PostAsync("livechat/message", new { token, rid, msg = "first", _id = id })).Ok();
        (await visitor.PostAsync("livechat/message", new { token, rid, msg = "again", _id = id })).Is(400, Duplicate);
        (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "mine", _id = id } })).Is(400, Duplicate);
        (await visitor.PostAsync("livechat/message", new { token, rid, msg = "long id", _id = new string('m', 1025) })).Is(400, TooLong);
        (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "long id", _id = new string('m', 1025) } })).Is(400, TooLong);

        // Nothing of the refused ones was written: one message, counted once, and it is the last one.
        var after = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal(1, after.GetProperty("msgs").GetInt32());
        Assert.Equal(id, after.GetProperty("lastMessage").Str("_id"));
        var history = (await visitor.GetAsync($"livechat/messages.history/{rid}?token={token}")).Ok().Json.GetProperty("messages");
        Assert.Equal(["first"], history.EnumerateArray().Select(m => m.Str("msg")));
    }

    [Fact]
    public async Task TheRoomsErrorsComeBeforeTheMessagesOwn()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var api = factory.Anonymous();
        var longId = new string('m', 1025);

        (await api.PostAsync("livechat/message", new { token, rid = "nope", msg = "x", _id = longId })).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "bye" })).Ok();
        (await api.PostAsync("livechat/message", new { token, rid, msg = "x", _id = longId })).Is(400, """{"success":false,"error":"room-closed"}""");
        (await api.PostAsync("livechat/message", new { token, rid, msg = new string('x', 6000) })).Is(400, """{"success":false,"error":"room-closed"}""");
    }

    [Fact]
    public async Task MessagesAreNotRefusedWhileTheRoomIsEdited()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var visitor = factory.Anonymous();

        var messages = Enumerable.Range(0, 10).Select(i => visitor.PostAsync("livechat/message", new { token, rid, msg = $"m{i}" }));
        var edits = Enumerable.Range(0, 10).Select(i => agent.Api.PostAsync("livechat/room.saveInfo",
            new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = $"topic {i}" } }));
        var replies = await Task.WhenAll(messages.Concat(edits));

        Assert.All(replies, r => r.Ok());
        var after = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal(10, after.GetProperty("msgs").GetInt32());
        Assert.StartsWith("topic ", after.Str("topic"));
    }

    [Fact]
    public async Task AMessagesEventCarriesTheRoomAsStored()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var feed = new FeedRecorder(factory);

        // The event's room is worked out before the write, from the room as read: it must be the room the write stored.
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "from the visitor" })).Ok();
        var fromVisitor = await feed.NextAsync(e => e.RoomId == rid && e.Type == ChangeTypes.MessageCreated);
        Assert.True(JsonNode.DeepEquals(await StoredRoomAsync(), fromVisitor.Room?.Node), fromVisitor.Room?.ToString());
        (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "from the agent" } })).Ok();
        var fromAgent = await feed.NextAsync(e => e.RoomId == rid && e.Type == ChangeTypes.MessageCreated);
        Assert.True(JsonNode.DeepEquals(await StoredRoomAsync(), fromAgent.Room?.Node), fromAgent.Room?.ToString());

        Assert.Equal(fromVisitor.RoomVersion + 1, fromAgent.RoomVersion);
        Assert.Equal((2, "from the agent"), ((int)fromAgent.Room!["msgs"]!, (string?)fromAgent.Room["lastMessage"]!["msg"]));
        Assert.Equal("from the agent", (string?)fromAgent.Message!["msg"]);

        async Task<JsonNode?> StoredRoomAsync() =>
            JsonNode.Parse((await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetRawText());
    }

    [Fact]
    public async Task AMessageCostsABoundedNumberOfRoundTrips()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await agent.Api.GetAsync("me")).Ok();   // the login token is looked up once, then cached

        var fromVisitor = await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "hello" });
        var fromAgent = await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "hi" } });

        // The visitor with their room (one read); the event's insert, then the room's update with the message's insert
        // (one command); the commit. Npgsql sends BEGIN with the first statement; SQLite's group writer begins and
        // commits on its own connection, for many writes at once.
        Assert.InRange(Trips(fromVisitor.Ok()), 1, factory.Provider == "Postgres" ? 4 : 3);
        // The agent's room with the agent's name and whether the agent joined it (livechat/room.join): one read too.
        Assert.InRange(Trips(fromAgent.Ok()), 1, factory.Provider == "Postgres" ? 4 : 3);

        static int Trips(Reply reply) =>
            int.Parse(reply.Headers.GetValues("X-Db-Round-Trips").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class MessageEndpointsSqliteTests(SqliteServerFactory factory) : MessageEndpointsTests<SqliteServerFactory>(factory);

public sealed class MessageEndpointsPostgresTests(PostgresServerFactory factory) : MessageEndpointsTests<PostgresServerFactory>(factory);
