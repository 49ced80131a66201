using Livechat.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Livechat.Server.Tests.Presence;

/// <summary>
/// Two server processes on one PostgreSQL database with one clock: presence follows connections held by either, a
/// process that stops beating loses its connections, and the timed actions act once between the two.
/// </summary>
public sealed class PresenceCrossProcessTests(PostgresServerFactory factory) : IClassFixture<PostgresServerFactory>
{
    static FakeTimeProvider NewClock() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    [Fact]
    public async Task AConnectionToOneProcessMakesTheAgentOnlineForBothLapsesWhenThatProcessStopsBeatingAndEndsWithTheSocket()
    {
        var clock = NewClock();
        await using var one = await ClockedServer.StartAsync(factory, clock);
        await using var two = await ClockedServer.StartAsync(factory, clock);
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var ddp = await DdpClient.ConnectAsync(two.Server);
        await ddp.CallAsync("login", new { resume = agent.Api.Token });

        var seenByOne = await one.StatusOnceAsync(agent.Id, "online");
        // Process two stalls (no pass, so no heartbeat) for longer than a connection's lifetime; process one passes.
        clock.Advance(TimeSpan.FromSeconds(91));
        await one.RunTimedActionsAsync();
        var lapsed = await one.StatusOnceAsync(agent.Id, "offline");
        var (_, refused) = await one.OpenRoomAsync(department);
        // Process two comes back: its next pass puts its live connection back.
        await two.RunTimedActionsAsync();
        var back = await one.StatusOnceAsync(agent.Id, "online");
        await ddp.DisposeAsync();
        var closed = await one.StatusOnceAsync(agent.Id, "offline");

        Assert.Equal("online", seenByOne);
        Assert.Equal("offline", lapsed);
        Assert.Equal(400, refused.Code);
        Assert.Equal("online", back);
        Assert.Equal("offline", closed);
    }

    [Fact]
    public async Task TheLeaveActionAndTheQueueWaitCloseOnceWhenBothProcessesRunAtOnce()
    {
        var clock = NewClock();
        await using var one = await ClockedServer.StartAsync(factory, clock);
        await using var two = await ClockedServer.StartAsync(factory, clock);
        var agent = await factory.CreateAgentAsync();
        var full = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var fullDepartment = await factory.CreateDepartmentAsync(new { maxNumberSimultaneousChat = 1 }, full);
        var ddp = await DdpClient.ConnectAsync(one.Server);
        await ddp.CallAsync("login", new { resume = agent.Api.Token });
        await one.SetAsync("Livechat_waiting_queue", true);   // so the full department's second chat waits
        var (token, served) = await one.OpenRoomAsync(department);
        var rid = served.Ok().Json.GetProperty("room").Str("_id");
        (await one.OpenRoomAsync(fullDepartment)).Reply.Ok();
        var (queuedToken, queued) = await one.OpenRoomAsync(fullDepartment);
        var queuedRid = queued.Ok().Json.GetProperty("room").Str("_id");
        await ddp.DisposeAsync();
        await one.StatusOnceAsync(agent.Id, "offline");
        await one.SetAsync("Livechat_agent_leave_action", "close");
        await one.SetAsync("Livechat_agent_leave_action_timeout", 60);
        await one.SetAsync("Livechat_max_queue_wait_time", 1);
        await two.SetAsync("Livechat_max_queue_wait_time", 1);   // each process's settings cache, at once
        await two.SetAsync("Livechat_agent_leave_action", "close");
        try
        {
            clock.Advance(TimeSpan.FromSeconds(61));
            var runs = await Task.WhenAll(one.RunTimedActionsAsync(), two.RunTimedActionsAsync());
            var history = (await one.Anonymous().GetAsync($"livechat/messages.history/{rid}?token={token}")).Ok().Json.GetProperty("messages");
            var queuedHistory = (await one.Anonymous().GetAsync($"livechat/messages.history/{queuedRid}?token={queuedToken}")).Ok().Json
                .GetProperty("messages");

            Assert.False((await one.RoomAsync(rid)).TryGetProperty("open", out _));
            Assert.False((await one.RoomAsync(queuedRid)).TryGetProperty("open", out _));
            Assert.Single(history.EnumerateArray(), m => m.TryGetProperty("t", out var t) && t.GetString() == "livechat-close");
            Assert.Single(queuedHistory.EnumerateArray(), m => m.TryGetProperty("t", out var t) && t.GetString() == "livechat-close");
            Assert.True(runs.Sum() >= 2);
        }
        finally
        {
            await one.SetAsync("Livechat_agent_leave_action", "none");
            await one.SetAsync("Livechat_max_queue_wait_time", -1);
            await one.SetAsync("Livechat_waiting_queue", false);
        }
    }
}
