using System.Text.Json;
using Livechat.Server.Scheduling;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Livechat.Server.Tests.Presence;

/// <summary>
/// A server on the factory's database with a fake clock, whose timed actions run only when a test asks (as
/// <see cref="ClockedServerFactory"/>'s, for a test of its own rather than a class fixture).
/// </summary>
public sealed class ClockedServer : IAsyncDisposable
{
    public required WebApplicationFactory<Program> Server { get; init; }
    public required FakeTimeProvider Clock { get; init; }
    public required ApiClient Admin { get; init; }

    public ApiClient Anonymous() => new(Server.CreateClient());

    public Task<int> RunTimedActionsAsync() => Server.Services.GetRequiredService<TimedActions>().RunOnceAsync();

    public static async Task<ClockedServer> StartAsync(LivechatServerFactory factory, FakeTimeProvider? clock = null)
    {
        clock ??= new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        // Without the runner's background loop: the test's RunTimedActionsAsync is the only pass.
        var server = factory.WithWebHostBuilder(b => ClockedServerFactory.OnClock(b, clock));
        var admin = await factory.AdminAsync();
        return new ClockedServer { Server = server, Clock = clock, Admin = new ApiClient(server.CreateClient()).As(admin.UserId!, admin.Token!) };
    }

    public async Task SetAsync(string id, object value) => (await Admin.PostAsync($"settings/{id}", new { value })).Ok();

    /// <summary>
    /// The agent's <c>status</c> as <c>livechat/users/agent/:id</c> shows it, once it is <paramref name="expected"/> (the
    /// close of a socket is handled after the client left), else the last one seen.
    /// </summary>
    public async Task<string?> StatusOnceAsync(string agentId, string expected)
    {
        string? status = null;
        for (var i = 0; i < 100 && status != expected; i++)
        {
            if (i > 0) await Task.Delay(50);
            status = (await Admin.GetAsync($"livechat/users/agent/{agentId}")).Ok().Json.GetProperty("user").Str("status");
        }
        return status;
    }

    /// <summary>The visitor's <c>queueInfo</c> in <c>livechat/config</c>, as the widget reads it.</summary>
    public async Task<JsonElement> QueueInfoAsync(string token) =>
        (await Anonymous().GetAsync($"livechat/config?token={token}")).Ok().Json.GetProperty("config").GetProperty("queueInfo");

    public async Task<JsonElement> RoomAsync(string rid) => (await Admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");

    /// <summary>A new visitor in <paramref name="department"/> opens a room through this server.</summary>
    public async Task<(string Token, Reply Reply)> OpenRoomAsync(string? department, string? agentId = null)
    {
        var token = TestUsers.Unique("tok");
        (await Anonymous().PostAsync("livechat/visitor", new { visitor = new { token, department } })).Ok();
        return (token, await Anonymous().GetAsync(agentId is null ? $"livechat/room?token={token}" : $"livechat/room?token={token}&agentId={agentId}"));
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Presence from DDP connections, idleness, and the agent-leave action (Presence/).</summary>
public abstract class PresenceTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task AnAgentIsOnlineWhileAConnectionIsOpenAndRoutingSkipsThemOnceOffline()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var first = await DdpClient.ConnectAsync(server.Server);
        var login = await first.CallAsync("login", new { resume = agent.Api.Token });
        var second = await DdpClient.ConnectAsync(server.Server);
        await second.CallAsync("login", new { resume = agent.Api.Token });

        await first.DisposeAsync();
        var withOneLeft = await server.StatusOnceAsync(agent.Id, "online");
        await second.DisposeAsync();
        var withNone = await server.StatusOnceAsync(agent.Id, "offline");
        var (_, refused) = await server.OpenRoomAsync(department);

        Assert.Null(login["error"]);
        Assert.Equal("online", withOneLeft);
        Assert.Equal("offline", withNone);
        refused.Is(400, """{"success":false,"error":"Sorry, no online agents [no-agent-online]","errorType":"no-agent-online"}""");
    }

    [Fact]
    public async Task AnIdleConnectionTurnsAwayAndTheUserPresenceMethodsSetTheStatus()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var agent = await factory.CreateAgentAsync();
        await using var ddp = await DdpClient.ConnectAsync(server.Server);
        await ddp.CallAsync("login", new { resume = agent.Api.Token });

        server.Clock.Advance(TimeSpan.FromSeconds(299));
        await server.RunTimedActionsAsync();
        var beforeTheLimit = await server.StatusOnceAsync(agent.Id, "online");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await server.RunTimedActionsAsync();
        var idle = await server.StatusOnceAsync(agent.Id, "away");
        var online = await ddp.CallAsync("UserPresence:online");
        var back = await server.StatusOnceAsync(agent.Id, "online");
        await ddp.CallAsync("UserPresence:away");
        var away = await server.StatusOnceAsync(agent.Id, "away");
        await ddp.CallAsync("UserPresence:online");
        var busy = await ddp.CallAsync("UserPresence:setDefaultStatus", "busy");
        var chosen = await server.StatusOnceAsync(agent.Id, "busy");
        var invalid = await ddp.CallAsync("UserPresence:setDefaultStatus", "sleeping");

        Assert.Equal("online", beforeTheLimit);
        Assert.Equal("away", idle);
        Assert.True((bool)online["result"]!);
        Assert.Equal("online", back);
        Assert.Equal("away", away);
        Assert.True((bool)busy["result"]!);
        Assert.Equal("busy", chosen);
        Assert.Equal("Match failed", (string?)invalid["error"]!["reason"]);
    }

    [Fact]
    public async Task AnAwayAgentTakesNoChatWhenIdleAgentsAreNotEnabled()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        await using var ddp = await DdpClient.ConnectAsync(server.Server);
        await ddp.CallAsync("login", new { resume = agent.Api.Token });
        await ddp.CallAsync("UserPresence:away");
        await server.StatusOnceAsync(agent.Id, "away");

        var (_, whileEnabled) = await server.OpenRoomAsync(department);
        await server.SetAsync("Livechat_enabled_when_agent_idle", false);
        Reply refused;
        try
        {
            (_, refused) = await server.OpenRoomAsync(department);
        }
        finally
        {
            await server.SetAsync("Livechat_enabled_when_agent_idle", true);
        }

        Assert.Equal(agent.Id, whileEnabled.Ok().Json.GetProperty("room").GetProperty("servedBy").Str("_id"));
        refused.Is(400, """{"success":false,"error":"Sorry, no online agents [no-agent-online]","errorType":"no-agent-online"}""");
    }

    [Fact]
    public async Task UsersSetStatusSetsTheCallersStatusAndRefusesAnUnknownOne()
    {
        var user = await factory.CreateAgentAsync();

        var busy = await user.Api.PostAsync("users.setStatus", new { status = "busy" });
        var status = (await user.Api.GetAsync("me")).Ok().Json.Str("status");
        var unknown = await user.Api.PostAsync("users.setStatus", new { status = "sleeping" });

        busy.Is(200, """{"success":true}""");
        Assert.Equal("busy", status);
        unknown.Is(400, """
            {"success":false,"error":"Valid status types include online, away, offline, and busy. [error-invalid-status]","errorType":"error-invalid-status"}
            """);
    }

    [Fact]
    public async Task TheLeaveActionClosesTheAbsentAgentsChatsWithTheCommentAfterTheTimeout()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var ddp = await DdpClient.ConnectAsync(server.Server);
        await ddp.CallAsync("login", new { resume = agent.Api.Token });
        var (token, opened) = await server.OpenRoomAsync(department);
        var rid = opened.Ok().Json.GetProperty("room").Str("_id");
        await server.SetAsync("Livechat_agent_leave_action_timeout", 60);
        await server.SetAsync("Livechat_agent_leave_comment", "Agent went away");
        await ddp.DisposeAsync();
        Assert.Equal("offline", await server.StatusOnceAsync(agent.Id, "offline"));
        try
        {
            server.Clock.Advance(TimeSpan.FromSeconds(61));
            await server.RunTimedActionsAsync();
            var underNone = await server.RoomAsync(rid);
            await server.SetAsync("Livechat_agent_leave_action", "close");
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await server.RunTimedActionsAsync();
            var closed = await server.RoomAsync(rid);
            var history = (await server.Anonymous().GetAsync($"livechat/messages.history/{rid}?token={token}")).Ok().Json.GetProperty("messages");

            Assert.True(underNone.GetProperty("open").GetBoolean());
            Assert.False(closed.TryGetProperty("open", out _));
            Assert.Equal("user", closed.Str("closer"));
            Assert.Equal(agent.Id, closed.GetProperty("closedBy").Str("_id"));
            var close = history.EnumerateArray().Single(m => m.TryGetProperty("t", out var t) && t.GetString() == "livechat-close");
            Assert.Equal("Agent went away", close.Str("msg"));
        }
        finally
        {
            await server.SetAsync("Livechat_agent_leave_action", "none");
        }
    }

    [Fact]
    public async Task TheLeaveActionForwardsTheChatToAnotherAgentButNotBeforeTheTimeoutNorWhenTheAgentCameBack()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var leaving = await factory.CreateAgentAsync();
        var staying = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, leaving, staying);
        var ddp = await DdpClient.ConnectAsync(server.Server);
        await ddp.CallAsync("login", new { resume = leaving.Api.Token });
        var rid = (await server.OpenRoomAsync(department, leaving.Id)).Reply.Ok().Json.GetProperty("room").Str("_id");
        await server.SetAsync("Livechat_agent_leave_action", "forward");
        await server.SetAsync("Livechat_agent_leave_action_timeout", 60);
        try
        {
            await ddp.DisposeAsync();
            await server.StatusOnceAsync(leaving.Id, "offline");
            server.Clock.Advance(TimeSpan.FromSeconds(59));
            await server.RunTimedActionsAsync();
            var early = await server.RoomAsync(rid);
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await server.RunTimedActionsAsync();
            var forwarded = await server.RoomAsync(rid);

            Assert.Equal(leaving.Id, early.GetProperty("servedBy").Str("_id"));
            Assert.Equal(staying.Id, forwarded.GetProperty("servedBy").Str("_id"));
            Assert.True(forwarded.GetProperty("open").GetBoolean());
        }
        finally
        {
            await server.SetAsync("Livechat_agent_leave_action", "none");
        }
    }

    [Fact]
    public async Task ChatsBeyondCapacityWaitWithTheirSpotAndTheQueueDrainsAsChatsClose()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        (await server.Admin.PostAsync("livechat/agents.saveInfo", new { agentId = agent.Id, agentData = new { maxNumberSimultaneousChat = 1 } })).Ok();
        await server.SetAsync("Livechat_waiting_queue", true);
        try
        {
            var first = (await server.OpenRoomAsync(department)).Reply.Ok().Json.GetProperty("room").Str("_id");
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            var (secondToken, secondReply) = await server.OpenRoomAsync(department);
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            var (thirdToken, thirdReply) = await server.OpenRoomAsync(department);
            server.Clock.Advance(TimeSpan.FromSeconds(2));
            var second = secondReply.Ok().Json.GetProperty("room");
            var third = thirdReply.Ok().Json.GetProperty("room");
            var secondSpot = await server.QueueInfoAsync(secondToken);
            var thirdSpot = await server.QueueInfoAsync(thirdToken);

            var agentApi = new ApiClient(server.Server.CreateClient()).As(agent.Id, agent.Api.Token!);
            (await agentApi.PostAsync("livechat/room.closeByUser", new { rid = first, comment = "done" })).Ok();
            var secondAfter = await server.RoomAsync(second.Str("_id"));
            var thirdAfter = await server.RoomAsync(third.Str("_id"));
            var thirdSpotAfter = await server.QueueInfoAsync(thirdToken);

            Assert.False(second.TryGetProperty("servedBy", out _));
            Assert.Equal(1, secondSpot.GetProperty("spot").GetInt32());
            Assert.Equal(2, thirdSpot.GetProperty("spot").GetInt32());
            Assert.Equal(agent.Id, secondAfter.GetProperty("servedBy").Str("_id"));
            Assert.False(thirdAfter.TryGetProperty("servedBy", out _));
            Assert.Equal(1, thirdSpotAfter.GetProperty("spot").GetInt32());
            // No closed chat to average before; then the first chat lasted 4 s, the department's only closed one: ((1 - 1) / 100 + 1) × 4.
            Assert.False(thirdSpot.TryGetProperty("estimatedWaitTimeSeconds", out _));
            Assert.Equal(4, thirdSpotAfter.GetProperty("estimatedWaitTimeSeconds").GetDouble());
        }
        finally
        {
            await server.SetAsync("Livechat_waiting_queue", false);
        }
    }

    [Fact]
    public async Task AForwardToAFullAgentIsRefusedAndAForwardAwayGivesTheFreedAgentTheNextWaitingChat()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var full = await factory.CreateAgentAsync();
        var other = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, full);
        (await server.Admin.PostAsync("livechat/agents.saveInfo", new { agentId = full.Id, agentData = new { maxNumberSimultaneousChat = 1 } })).Ok();
        await server.SetAsync("Livechat_waiting_queue", true);
        try
        {
            var served = (await server.OpenRoomAsync(department)).Reply.Ok().Json.GetProperty("room").Str("_id");
            var waiting = (await server.OpenRoomAsync(department)).Reply.Ok().Json.GetProperty("room").Str("_id");
            var elsewhere = (await server.OpenRoomAsync(null, other.Id)).Reply.Ok().Json.GetProperty("room");

            var refused = await server.Admin.PostAsync("livechat/room.forward", new { roomId = elsewhere.Str("_id"), userId = full.Id });
            var stillWaiting = await server.RoomAsync(waiting);
            (await server.Admin.PostAsync("livechat/room.forward", new { roomId = served, userId = other.Id })).Ok();
            var taken = await server.RoomAsync(waiting);

            refused.Is(400, """{"success":false,"error":"error-max-number-simultaneous-chats-reached"}""");
            Assert.Equal(other.Id, elsewhere.GetProperty("servedBy").Str("_id"));
            Assert.False(stillWaiting.TryGetProperty("servedBy", out _));
            Assert.Equal(full.Id, taken.GetProperty("servedBy").Str("_id"));
            Assert.Equal(other.Id, (await server.RoomAsync(served)).GetProperty("servedBy").Str("_id"));
        }
        finally
        {
            await server.SetAsync("Livechat_waiting_queue", false);
        }
    }

    [Fact]
    public async Task TheDepartmentsLimitComesBeforeTheAgentsAndTheGlobalOne()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(new { maxNumberSimultaneousChat = 2 }, agent);
        (await server.Admin.PostAsync("livechat/agents.saveInfo", new { agentId = agent.Id, agentData = new { maxNumberSimultaneousChat = 1 } })).Ok();
        await server.SetAsync("Livechat_waiting_queue", true);

        var rooms = new List<JsonElement>();
        try
        {
            for (var i = 0; i < 3; i++) rooms.Add((await server.OpenRoomAsync(department)).Reply.Ok().Json.GetProperty("room"));
        }
        finally
        {
            await server.SetAsync("Livechat_waiting_queue", false);
        }
        var saved = (await server.Admin.GetAsync($"livechat/department/{department}")).Ok().Json.GetProperty("department");
        var notAnAgent = await server.Admin.PostAsync("livechat/agents.saveInfo", new { agentId = "nobody", agentData = new { } });

        Assert.Equal([true, true, false], rooms.Select(r => r.TryGetProperty("servedBy", out _)));
        Assert.Equal(2, saved.GetProperty("maxNumberSimultaneousChat").GetInt32());
        notAnAgent.Is(400, """{"success":false,"error":"error-user-is-not-agent"}""");
    }

    [Fact]
    public async Task AChatWaitingTooLongMovesToTheFallbackDepartmentOrIsClosed()
    {
        await using var server = await ClockedServer.StartAsync(factory);
        var agent = await factory.CreateAgentAsync();
        var fallback = await factory.CreateDepartmentAsync(null, agent);
        var withFallback = await factory.CreateDepartmentAsync(new { fallbackForwardDepartment = fallback }, agent);
        var without = await factory.CreateDepartmentAsync(null, agent);
        await server.SetAsync("Livechat_Routing_Method", "Manual_Selection");
        try
        {
            var (_, movedReply) = await server.OpenRoomAsync(withFallback);
            var (token, closedReply) = await server.OpenRoomAsync(without);
            var moved = movedReply.Ok().Json.GetProperty("room").Str("_id");
            var closed = closedReply.Ok().Json.GetProperty("room").Str("_id");
            await server.SetAsync("Livechat_max_queue_wait_time", 2);

            server.Clock.Advance(TimeSpan.FromSeconds(119));
            await server.RunTimedActionsAsync();
            var early = await server.RoomAsync(closed);
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await server.RunTimedActionsAsync();
            var movedAfter = await server.RoomAsync(moved);
            var closedAfter = await server.RoomAsync(closed);
            var history = (await server.Anonymous().GetAsync($"livechat/messages.history/{closed}?token={token}")).Ok().Json.GetProperty("messages");

            Assert.True(early.GetProperty("open").GetBoolean());
            Assert.Equal(fallback, movedAfter.Str("departmentId"));
            Assert.True(movedAfter.GetProperty("open").GetBoolean());
            Assert.False(closedAfter.TryGetProperty("open", out _));
            Assert.Equal("rocket.cat", closedAfter.GetProperty("closedBy").Str("username"));
            Assert.Contains(history.EnumerateArray(), m => m.TryGetProperty("t", out var t) && t.GetString() == "livechat-close"
                && m.Str("msg") == "Closed automatically because chat was waiting for an agent for more than 2 minutes");
        }
        finally
        {
            await server.SetAsync("Livechat_max_queue_wait_time", -1);
            await server.SetAsync("Livechat_Routing_Method", "Auto_Selection");
        }
    }
}

public sealed class PresenceSqliteTests(SqliteServerFactory factory) : PresenceTests<SqliteServerFactory>(factory);

public sealed class PresencePostgresTests(PostgresServerFactory factory) : PresenceTests<PostgresServerFactory>(factory);
