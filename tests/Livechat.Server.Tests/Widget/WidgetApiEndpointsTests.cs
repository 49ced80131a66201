using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Widget;

/// <summary>The REST endpoints the website widget calls: its configuration, the agent, navigation, offline form, transcript, own messages.</summary>
public abstract class WidgetApiEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task ConfigCarriesTheWidgetsFieldsAndTheVisitorsRoomAndAgent()
    {
        var (room, token, agent, department) = await factory.CreateServedRoomAsync();
        var api = factory.Anonymous();

        var anonymous = (await api.GetAsync("livechat/config?token=undefined")).Ok().Json.GetProperty("config");
        var visitor = (await api.GetAsync($"livechat/config?token={token}")).Ok().Json.GetProperty("config");
        var unknown = await api.GetAsync("livechat/config?foo=1");

        Assert.Equal(["enabled", "settings", "theme", "messages", "survey", "triggers", "departments", "resources", "online"],
            anonymous.EnumerateObject().Select(p => p.Name));
        Assert.True(anonymous.GetProperty("online").GetBoolean());
        Assert.Equal("""
            {"registrationForm":true,"allowSwitchingDepartments":true,"nameFieldRegistrationForm":true,"emailFieldRegistrationForm":true,
            "displayOfflineForm":true,"videoCall":false,"fileUpload":true,"language":"","transcript":false,"historyMonitorType":"url",
            "forceAcceptDataProcessingConsent":false,"showConnecting":false,"agentHiddenInfo":false,"clearLocalStorageWhenChatEnded":false,
            "limitTextLength":false}
            """.ReplaceLineEndings(""), anonymous.GetProperty("settings").GetRawText());
        Assert.Equal("""{"title":"Rocket.Chat","color":"#C1272D","offlineTitle":"Leave a message","offlineColor":"#666666","position":"right","actionLinks":{"webrtc":[],"jitsi":[]}}""",
            anonymous.GetProperty("theme").GetRawText());
        Assert.Equal("http://localhost/sounds/chime.mp3", anonymous.GetProperty("resources").Str("sound"));
        var v = room.GetProperty("v");
        Assert.Equal($$"""{"_id":"{{v.Str("_id")}}","username":"{{v.Str("username")}}","token":"{{token}}","department":"{{department}}"}""", visitor.GetProperty("guest").GetRawText());
        Assert.Equal(room.Str("_id"), visitor.GetProperty("room").Str("_id"));
        Assert.Equal(agent.Id, visitor.GetProperty("room").GetProperty("servedBy").Str("_id"));
        Assert.True(visitor.GetProperty("room").GetProperty("open").GetBoolean());
        Assert.Equal($$"""
            {"_id":"{{agent.Id}}","username":"{{agent.Username}}","name":"Name {{agent.Username}}","status":"online",
            "emails":[{"address":"{{agent.Username}}@example.com","verified":true}]}
            """.ReplaceLineEndings(""), visitor.GetProperty("agent").GetRawText());
        Assert.False(visitor.TryGetProperty("queueInfo", out _));
        unknown.Is(400, """{"success":false,"error":"must NOT have additional properties [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task ConfigOfADisabledLivechatIsJustThat()
    {
        await factory.SetSettingAsync("Livechat_enabled", false);
        try
        {
            (await factory.Anonymous().GetAsync("livechat/config")).Is(200, """{"config":{"enabled":false},"success":true}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_enabled", true);
        }
    }

    [Fact]
    public async Task QueuedRoomsGetTheirSpotInTheConfig()
    {
        var room = await factory.OpenQueuedRoomAsync();

        var config = (await factory.Anonymous().GetAsync($"livechat/config?token={room.GetProperty("v").Str("token")}")).Ok().Json.GetProperty("config");

        Assert.False(config.GetProperty("room").TryGetProperty("servedBy", out _));
        Assert.False(config.TryGetProperty("agent", out _));
        Assert.True(config.GetProperty("queueInfo").GetProperty("spot").GetInt32() >= 1);
    }

    [Fact]
    public async Task AgentInfoAnswersTheServingAgentOrPlainCodes()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var queued = await factory.OpenQueuedRoomAsync();
        var rid = room.Str("_id");
        var api = factory.Anonymous();

        var info = await api.GetAsync($"livechat/agent.info/{rid}/{token}");

        Assert.Equal(agent.Username, info.Ok().Json.GetProperty("agent").Str("username"));
        (await api.GetAsync($"livechat/agent.info/{rid}/nope")).Is(400, """{"success":false,"error":"invalid-token"}""");
        (await api.GetAsync($"livechat/agent.info/{queued.Str("_id")}/{token}")).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await api.GetAsync($"livechat/agent.info/{queued.Str("_id")}/{queued.GetProperty("v").Str("token")}"))
            .Is(400, """{"success":false,"error":"invalid-agent"}""");
        await factory.SetSettingAsync("Livechat_show_agent_info", false);
        try
        {
            (await api.GetAsync($"livechat/agent.info/{rid}/{token}")).Is(200, """{"agent":{"hiddenInfo":true},"success":true}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_show_agent_info", true);
        }
    }

    [Fact]
    public async Task NextAgentIsEmptyWithAnOpenRoomAndAnAgentOtherwise()
    {
        var (_, token, _, department) = await factory.CreateServedRoomAsync();
        var (fresh, _) = await factory.CreateVisitorAsync();
        var api = factory.Anonymous();

        (await api.GetAsync($"livechat/agent.next/{token}")).Is(200, """{"success":true}""");
        var next = (await api.GetAsync($"livechat/agent.next/{fresh}?department={department}")).Ok().Json.GetProperty("agent");
        (await api.GetAsync($"livechat/agent.next/{fresh}?department=nope")).Is(400, """{"success":false,"error":"agent-not-found"}""");

        Assert.Equal(["_id", "username", "name", "status", "emails"], next.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task PageVisitedChecksItsBodyAndTheRoom()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var api = factory.Anonymous();
        var pageInfo = new { change = "url", title = "Shoes", location = new { href = "https://shop.example.com/shoes" } };

        (await api.PostAsync("livechat/page.visited", new { token, rid = room.Str("_id"), pageInfo })).Is(200, """{"success":true}""");
        (await api.PostAsync("livechat/page.visited", new { token, pageInfo })).Is(200, """{"success":true}""");
        (await api.PostAsync("livechat/page.visited", new { token, rid = "nope", pageInfo })).Is(400, """{"success":false,"error":"invalid-room"}""");
        (await api.PostAsync("livechat/page.visited", new { token })).Is(400,
            """{"success":false,"error":"must have required property 'pageInfo' [invalid-params]","errorType":"invalid-params"}""");
    }

    [Theory]
    [InlineData("name", 100)]
    [InlineData("email", 254)]
    [InlineData("message", 5000)]
    [InlineData("department", 255)]
    [InlineData("host", 255)]
    public async Task OfflineMessageFieldsHaveLengthLimits(string field, int max)
    {
        Dictionary<string, string> Body(int length)
        {
            var body = new Dictionary<string, string> { ["name"] = "Vera", ["email"] = "vera@example.com", ["message"] = "Call me" };
            // A valid address of the given length.
            body[field] = field == "email" ? new string('v', length - "@example.com".Length) + "@example.com" : new string('v', length);
            return body;
        }

        var longest = await factory.Anonymous().PostAsync("livechat/offline.message", Body(max));
        var tooLong = await factory.Anonymous().PostAsync("livechat/offline.message", Body(max + 1));

        longest.Is(200, """{"message":"Livechat offline message sent","success":true}""");
        tooLong.Is(400, $$"""{"success":false,"error":"must NOT have more than {{max}} characters [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task OfflineMessagesAreAcceptedAndTranscriptsNeedLivechatEnableTranscript()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var api = factory.Anonymous();

        (await api.PostAsync("livechat/offline.message", new { name = "Vera", email = "vera@example.com", message = "Call me" }))
            .Is(200, """{"message":"Livechat offline message sent","success":true}""");
        (await api.PostAsync("livechat/offline.message", new { name = "Vera", message = "Call me" })).Is(400,
            """{"success":false,"error":"must have required property 'email' [invalid-params]","errorType":"invalid-params"}""");
        (await api.PostAsync("livechat/transcript", new { token, rid = room.Str("_id"), email = "vera@example.com" }))
            .Is(400, """{"success":false,"error":"Error sending Livechat transcript"}""");
        (await api.PostAsync("livechat/transcript", new { token = "nope", rid = room.Str("_id"), email = "vera@example.com" }))
            .Is(400, """{"success":false,"error":"invalid-token"}""");
        (await api.PostAsync("livechat/transcript", new { token, rid = room.Str("_id"), email = "not-an-address" }))
            .Is(400, """{"success":false,"error":"invalid-email"}""");
    }

    [Fact]
    public async Task VisitorsReadEditAndDeleteTheirOwnMessagesOnly()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var api = factory.Anonymous();
        var own = (await api.PostAsync("livechat/message", new { token, rid, msg = "helo" })).Ok().Json.GetProperty("message").Str("_id");
        var agents = (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "hi" } })).Ok().Json.GetProperty("message").Str("_id");

        var read = await api.GetAsync($"livechat/message/{own}?token={token}&rid={rid}");
        var edited = (await api.PutAsync($"livechat/message/{own}", new { token, rid, msg = "hello" })).Ok().Json.GetProperty("message");
        var refusedEdit = await api.PutAsync($"livechat/message/{agents}", new { token, rid, msg = "x" });
        var deleted = await api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/livechat/message/{own}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { token, rid }),
        });
        var gone = await api.GetAsync($"livechat/message/{own}?token={token}&rid={rid}");

        Assert.Equal("helo", read.Ok().Json.GetProperty("message").Str("msg"));
        Assert.Equal("hello", edited.Str("msg"));
        Assert.Equal(room.GetProperty("v").Str("_id"), edited.GetProperty("editedBy").Str("_id"));
        Assert.Equal(edited.Str("editedAt"), edited.Str("_updatedAt"));
        refusedEdit.Is(400, """{"success":false,"error":"Message editing not allowed [error-action-not-allowed]","errorType":"error-action-not-allowed"}""");
        var ts = deleted.Ok().Json.GetProperty("message").Str("ts");
        deleted.Is(200, $$"""{"message":{"_id":"{{own}}","ts":"{{ts}}"},"success":true}""");
        gone.Is(400, """{"success":false,"error":"invalid-message"}""");
        var history = (await api.GetAsync($"livechat/messages.history/{rid}?token={token}")).Ok().Json.GetProperty("messages");
        Assert.DoesNotContain(history.EnumerateArray(), m => m.Str("_id") == own);
        Assert.Equal(1, (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetProperty("msgs").GetInt32());
        (await api.GetAsync($"livechat/message/{agents}?token=nope&rid={rid}")).Is(400, """{"success":false,"error":"invalid-token"}""");
    }

    [Fact]
    public async Task DeletingTheLastMessageNeverMakesAChangeHistoryMessageTheLastOne()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var api = factory.Anonymous();
        (await api.PostAsync("livechat/message", new { token, rid, msg = "first" })).Ok();
        var last = (await api.PostAsync("livechat/message", new { token, rid, msg = "second" })).Ok().Json.GetProperty("message").Str("_id");
        var priority = (await agent.Api.GetAsync("livechat/priorities")).Ok().Json.GetProperty("priorities")[0].Str("_id");
        (await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = room.GetProperty("v").Str("_id") },
            roomData = new { _id = rid, priorityId = priority },
        })).Ok();

        (await api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/livechat/message/{last}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { token, rid }),
        })).Ok();

        var lastMessage = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetProperty("lastMessage");
        Assert.Equal("first", lastMessage.Str("msg"));
    }
}

public sealed class WidgetApiEndpointsSqliteTests(SqliteServerFactory factory) : WidgetApiEndpointsTests<SqliteServerFactory>(factory);

public sealed class WidgetApiEndpointsPostgresTests(PostgresServerFactory factory) : WidgetApiEndpointsTests<PostgresServerFactory>(factory);
